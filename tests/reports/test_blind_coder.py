"""A second coder who codes blind may not read the reports until they submit: the
reports quote the first coding of the material they code."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from reports.services import report_render_now, report_request
from research.models import CodedFragment
from research.services.agreement import comparison_start, second_coding_save
from units.models import Role

from ..factories import MaterialFactory, MembershipFactory
from ..research.analysis_data import add_values, make_measure

pytestmark = pytest.mark.django_db


def test_a_blind_coder_gets_the_reports_only_after_submitting(unit, researcher, client_for):
    lonely = make_measure(unit, "lonely", label="Loneliness")
    add_values(unit, lonely, "baseline", {"a": 4, "b": 5})
    report = report_render_now(
        report_request(unit=unit, kind="baseline", language="en", actor=researcher).pk
    )
    material = MaterialFactory(unit=unit, text="Felt heard.")
    CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(material),
        object_id=material.pk,
        start=0,
        end=11,
        text="Felt heard.",
        coded_by=researcher,
    )
    second = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    comparison = comparison_start(material=material, second_coder=second)
    client = client_for(second)
    download = reverse("reports:download", args=[unit.slug, report.pk])
    archive = reverse("reports:archive", args=[unit.slug, report.pk])

    refused = client.get(download)
    assert refused.status_code == 403
    assert "First finish your blind coding" in refused.content.decode()
    assert client.get(archive).status_code == 403
    assert client_for(researcher).get(download).status_code == 200

    second_coding_save(comparison=comparison, actor=second, codes={}, submit=True)
    assert client.get(download).status_code == 200
    assert client.get(archive).status_code == 200
