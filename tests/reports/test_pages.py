"""The report pages: who may see, ask for, write and download what."""

import re
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from reports.forms import ReportRequestForm
from reports.models import Kind, Report, ReportNarrative, Status
from units.models import Role

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _url(name, unit, **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": unit.slug, **kwargs})


def _done_report(owner, kind=Kind.BASELINE, version=1, snapshot=None, **kwargs):
    """A finished report with a (tiny) PDF, without spending time on rendering."""
    owner_field = "programme" if owner.__class__.__name__ == "Programme" else "unit"
    report = Report(
        **{owner_field: owner},
        kind=kind,
        language="en",
        version=version,
        status=Status.DONE,
        progress=100,
        page_count=1,
        finished_at=timezone.now(),
        snapshot=snapshot or {},
        **kwargs,
    )
    report.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.save()
    return report


# --- Who may see the list and the PDF ---------------------------------------------


def test_a_member_sees_the_reports_and_downloads_the_pdf(client_for, member, unit):
    report = _done_report(unit)
    client = client_for(member)

    page = client.get(_url("list", unit))
    download = client.get(_url("download", unit, pk=report.pk))

    assert page.status_code == 200
    assert _url("download", unit, pk=report.pk) in page.content.decode()
    assert _url("request", unit) not in page.content.decode()  # no form for members
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert f"{unit.slug}-baseline-v1-en.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.7 test"


def test_an_outsider_gets_not_found_for_list_and_download(client_for, outsider, unit):
    report = _done_report(unit)
    client = client_for(outsider)

    assert client.get(_url("list", unit)).status_code == 404
    assert client.get(_url("download", unit, pk=report.pk)).status_code == 404
    assert client.get(_url("status", unit, pk=report.pk)).status_code == 404


def test_a_report_of_another_unit_is_not_found_through_this_one(client_for, member, unit):
    other = _done_report(UnitFactory())
    assert client_for(member).get(_url("download", unit, pk=other.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, unit):
    report = _done_report(unit)
    response = client.get(_url("download", unit, pk=report.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pdf_is_not_downloadable_before_it_is_done(client_for, member, unit, researcher):
    report = Report.objects.create(unit=unit, kind=Kind.BASELINE, language="en", version=1)
    assert client_for(member).get(_url("download", unit, pk=report.pk)).status_code == 404


def test_the_list_costs_the_same_queries_for_one_or_many_reports(
    client_for, member, unit, django_assert_num_queries
):
    client = client_for(member)
    _done_report(unit)
    with django_assert_num_queries(12) as small:
        client.get(_url("list", unit))
    for version in range(2, 8):
        _done_report(unit, version=version, requested_by=member)
        _done_report(unit, kind=Kind.FINAL, version=version)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(_url("list", unit))
    assert response.content.decode().count("Download PDF") == 13


# --- Asking for a report ------------------------------------------------------------


def test_a_researcher_asks_for_a_report_and_it_is_queued(
    client_for, researcher, unit, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("reports.services.report_send", lambda **kw: sent.append(kw))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(researcher).post(
            _url("request", unit),
            {"kind": "baseline", "language": "nl", "token": str(uuid.uuid4())},
        )

    assert response.status_code == 302
    report = Report.objects.get(unit=unit)
    assert (report.kind, report.language, report.version) == ("baseline", "nl", 1)
    assert report.status == Status.QUEUED and report.requested_by == researcher
    assert sent == [{"report_id": report.pk}]


def test_a_member_may_not_ask_for_a_report(client_for, member, unit):
    response = client_for(member).post(
        _url("request", unit), {"kind": "baseline", "language": "en"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_bad_request_says_what_is_wrong(client_for, researcher, unit):
    response = client_for(researcher).post(
        _url("request", unit), {"kind": "comparison", "language": "de"}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert "Select a valid choice" in response.content.decode()


# --- The status fragment ----------------------------------------------------------


def test_the_status_fragment_polls_while_rendering_and_stops_when_done(client_for, member, unit):
    report = Report.objects.create(
        unit=unit,
        kind=Kind.BASELINE,
        language="en",
        version=1,
        status=Status.RENDERING,
        progress=40,
    )
    client = client_for(member)
    url = _url("status", unit, pk=report.pk)

    rendering = client.get(url).content.decode()
    Report.objects.filter(pk=report.pk).update(
        status=Status.FAILED, error="Gave up after 3 attempts."
    )
    failed = client.get(url).content.decode()

    assert f'hx-get="{url}"' in rendering and 'hx-trigger="every 2s"' in rendering
    assert 'data-progress="40"' in rendering
    assert 'style="' not in rendering  # the CSP forbids inline styles
    assert "hx-get" not in failed
    assert "Gave up after 3 attempts." in failed


# --- The researchers' text ------------------------------------------------------------


def test_a_researcher_writes_the_narrative_and_a_member_may_not(
    client_for, researcher, member, unit
):
    url = _url("narrative", unit, kind="final")
    data = {
        "introduction": "Why we did this.",
        "method": "",
        "discussion": "",
        "recommendations": "",
    }

    assert client_for(member).get(url).status_code == 403
    response = client_for(researcher).post(url, data)

    assert response.status_code == 302
    narrative = ReportNarrative.objects.get(unit=unit, kind="final")
    assert narrative.introduction == "Why we did this." and narrative.updated_by == researcher
    assert client_for(researcher).get(_url("narrative", unit, kind="comparison")).status_code == 404


# --- Comparing versions ---------------------------------------------------------------


def _snapshot(mean):
    return {
        "sessions": {"held": 3},
        "statistics": {
            "measures": [
                {
                    "code": "wellbeing",
                    "label": "Wellbeing",
                    "waves": [{"wave_code": "baseline", "stats": {"n": 5, "mean": mean}}],
                    "changes": [],
                }
            ]
        },
    }


def test_a_version_is_compared_with_the_previous_one(client_for, member, unit):
    _done_report(unit, version=1, snapshot=_snapshot(2.8))
    newer = _done_report(unit, version=2, snapshot=_snapshot(3.25))

    page = client_for(member).get(_url("compare", unit, pk=newer.pk)).content.decode()

    assert "Wellbeing" in page and "2.80" in page and "3.25" in page
    assert "Sessions held" not in page  # unchanged figures are not listed


# --- Programme comparison pages -------------------------------------------------------


def test_programme_reports_for_those_who_see_its_research(
    client_for, unit, researcher, member, outsider
):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    report = _done_report(programme, kind=Kind.COMPARISON)
    list_url = reverse("programme_reports:list", kwargs={"slug": programme.slug})
    download_url = reverse(
        "programme_reports:download", kwargs={"slug": programme.slug, "pk": report.pk}
    )
    request_url = reverse("programme_reports:request", kwargs={"slug": programme.slug})

    # A member without the research permission: the statistics stay closed to them.
    assert list_url not in client_for(member).get(_url("list", unit)).content.decode()
    assert client_for(member).get(list_url).status_code == 403
    assert client_for(member).get(download_url).status_code == 403
    assert (
        client_for(member).post(request_url, {"kind": "comparison", "language": "en"}).status_code
        == 403
    )
    assert client_for(outsider).get(list_url).status_code == 404
    assert client_for(outsider).get(download_url).status_code == 404
    assert list_url in client_for(researcher).get(_url("list", unit)).content.decode()
    assert client_for(researcher).get(download_url).status_code == 200
    page = client_for(researcher).get(list_url).content.decode()
    assert request_url in page


def test_a_researcher_of_every_unit_asks_for_the_programme_comparison(
    client_for, unit, researcher, monkeypatch, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    other = UnitFactory(programme=programme)
    MembershipFactory(unit=other, role=Role.PROFESSIONAL)
    MembershipFactory(unit=other, user=researcher, role=Role.RESEARCHER)
    monkeypatch.setattr("reports.services.report_send", lambda **kw: None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(researcher).post(
            reverse("programme_reports:request", kwargs={"slug": programme.slug}),
            {"kind": "comparison", "language": "en", "token": str(uuid.uuid4())},
        )

    assert response.status_code == 302
    assert Report.objects.get(programme=programme).kind == Kind.COMPARISON


def test_the_request_form_shows_the_fields_as_crispy_forms_writes_them(
    client_for, researcher, unit
):
    """The list writes the unsent form's fields itself (crispy-forms is most of the
    page's cost): the same elements, labels and choices as crispy-forms would write."""
    page = client_for(researcher).get(_url("list", unit)).content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', page).group(1)
    form = ReportRequestForm(initial={"language": researcher.language, "token": token})
    with translation.override(researcher.language or settings.LANGUAGE_CODE):
        crispy = Template(
            "{% load crispy_forms_tags %}"
            '<div class="col-sm-5">{{ form.kind|as_crispy_field }}</div>'
            '<div class="col-sm-4">{{ form.language|as_crispy_field }}</div>'
        ).render(Context({"form": form}))
    with_crispy = _without_layout(crispy)
    written = _without_layout(page)
    assert with_crispy.startswith('<div class="col-sm-5"><div id="div_id_kind" class="mb-3">')
    assert with_crispy in written


def _without_layout(html: str) -> str:
    """The HTML without the whitespace between and inside tags that a browser ignores."""
    html = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))
    return re.sub(r"\s+", " ", html)
