"""Research data leaving the application is logged per respondent code (NEN 7513)."""

import pytest
from django.urls import reverse

from units.models import AccessAction, AccessLog, DataKind, Role

from ..factories import ExperimentFactory
from .analysis_data import add_values, make_measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "sav"])
def test_an_export_logs_each_respondent_code_once(unit, researcher, client_for, file_format):
    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3, "R2": 4})
    add_values(unit, measure, "final", {"R1": 2})

    response = client_for(researcher).get(
        reverse("research:export", args=[unit.slug]), {"format": file_format}
    )
    if response.streaming:
        b"".join(response.streaming_content)  # the whole file, as the browser reads it

    assert response.status_code == 200
    assert sorted(
        AccessLog.objects.values_list(
            "user", "role", "unit", "person", "respondent", "kind", "action"
        )
    ) == [
        (
            researcher.pk,
            Role.RESEARCHER,
            unit.pk,
            None,
            code,
            DataKind.RESEARCH_DATA,
            AccessAction.EXPORTED,
        )
        for code in ("R1", "R2")
    ]


def test_coding_a_members_experiment_logs_that_it_was_read(unit, researcher, member, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    url = reverse("research:code_source", args=[unit.slug, "experiment", experiment.pk, "tried"])
    assert client_for(researcher).get(url).status_code == 200
    assert list(AccessLog.objects.values_list("user", "person", "kind", "object_id")) == [
        (researcher.pk, member.pk, DataKind.EXPERIMENT, experiment.pk)
    ]


def test_an_import_preview_logs_the_respondent_codes_it_shows(unit, researcher, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from research.models import ImportBatch
    from research.services.import_batches import import_batch_process, import_batch_upload

    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3})
    batch = import_batch_upload(
        unit=unit,
        upload=SimpleUploadedFile("d.csv", b"respondent,lonely\nR1,4\nR2,5\n"),
        wave=next(w for w in unit.waves.all() if w.code == "baseline"),
        actor=researcher,
    )
    import_batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED

    client_for(researcher).get(reverse("research:import_batch", args=[unit.slug, batch.pk]))

    assert sorted(AccessLog.objects.values_list("user", "respondent", "kind", "action")) == [
        (researcher.pk, code, DataKind.RESEARCH_DATA, AccessAction.VIEWED) for code in ("R1", "R2")
    ]
