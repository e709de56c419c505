"""Who downloaded which report is in the access log (NEN 7513); the entry names the
report, nobody individually (a report names no client or family carer)."""

import pytest
from django.urls import reverse

from reports.models import Kind
from units.models import ADMINISTRATOR, AccessLog, DataKind, Role

from ..factories import ProgrammeFactory
from .test_pages import _done_report

pytestmark = pytest.mark.django_db

FIELDS = ("user", "role", "unit", "person", "respondent", "kind", "object_id", "action")


def test_downloading_a_unit_report_logs_who_and_which(client_for, unit, member):
    report = _done_report(unit)

    response = client_for(member).get(
        reverse("reports:download", kwargs={"slug": unit.slug, "pk": report.pk})
    )

    assert response.status_code == 200
    assert list(AccessLog.objects.values_list(*FIELDS)) == [
        (member.pk, Role.PROFESSIONAL, unit.pk, None, "", DataKind.REPORT, report.pk, "exported")
    ]


def test_downloading_a_programme_report_logs_it_without_a_unit(
    client_for, unit, researcher, admin_user
):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    report = _done_report(programme, kind=Kind.COMPARISON)
    url = reverse("programme_reports:download", kwargs={"slug": programme.slug, "pk": report.pk})

    assert client_for(researcher).get(url).status_code == 200
    assert client_for(admin_user).get(url).status_code == 200

    assert sorted(AccessLog.objects.values_list(*FIELDS), key=str) == sorted(
        [
            (
                researcher.pk,
                Role.RESEARCHER,
                None,
                None,
                "",
                DataKind.REPORT,
                report.pk,
                "exported",
            ),
            (admin_user.pk, ADMINISTRATOR, None, None, "", DataKind.REPORT, report.pk, "exported"),
        ],
        key=str,
    )


def test_a_refused_download_logs_nothing(client_for, unit, outsider):
    report = _done_report(unit)
    url = reverse("reports:download", kwargs={"slug": unit.slug, "pk": report.pk})
    assert client_for(outsider).get(url).status_code == 404
    assert AccessLog.objects.count() == 0


def test_the_archive_logs_the_report_and_each_respondent_code(client_for, unit, researcher):
    from reports.services import report_render_now, report_request

    from ..research.analysis_data import add_values, make_measure

    add_values(unit, make_measure(unit, "lonely"), "baseline", {"a": 4, "b": 5})
    report = report_render_now(
        report_request(unit=unit, kind="baseline", language="en", actor=researcher).pk
    )

    response = client_for(researcher).get(
        reverse("reports:archive", kwargs={"slug": unit.slug, "pk": report.pk})
    )

    assert response.status_code == 200
    assert sorted(AccessLog.objects.values_list(*FIELDS), key=str) == sorted(
        [
            (
                researcher.pk,
                Role.RESEARCHER,
                unit.pk,
                None,
                "",
                DataKind.REPORT,
                report.pk,
                "exported",
            ),
            *(
                (
                    researcher.pk,
                    Role.RESEARCHER,
                    unit.pk,
                    None,
                    code,
                    DataKind.RESEARCH_DATA,
                    None,
                    "exported",
                )
                for code in ("a", "b")
            ),
        ],
        key=str,
    )


def test_a_comparison_archive_logs_each_units_respondent_codes_under_that_unit(db, client_for):
    from reports.services import report_render_now, report_request

    from ..factories import MembershipFactory, UnitFactory, UserFactory
    from ..research.analysis_data import add_values, make_measure

    programme = ProgrammeFactory()
    alpha, beta = (UnitFactory(programme=programme, name=n) for n in ("Alpha", "Beta"))
    researcher = UserFactory()
    for unit, codes in ((alpha, {"a": 4}), (beta, {"x": 5, "y": 2})):
        MembershipFactory(unit=unit, user=researcher, role=Role.RESEARCHER)
        add_values(unit, make_measure(unit, "lonely"), "baseline", codes)
    report = report_render_now(
        report_request(programme=programme, kind="comparison", language="en", actor=researcher).pk
    )

    response = client_for(researcher).get(
        reverse("programme_reports:archive", kwargs={"slug": programme.slug, "pk": report.pk})
    )

    assert response.status_code == 200
    assert sorted(
        AccessLog.objects.filter(kind=DataKind.RESEARCH_DATA).values_list("unit", "respondent")
    ) == sorted([(alpha.pk, "a"), (beta.pk, "x"), (beta.pk, "y")])
    assert list(
        AccessLog.objects.filter(kind=DataKind.REPORT).values_list("unit", "object_id")
    ) == [(None, report.pk)]
