"""Nothing lost, nothing rendered twice: snapshots, retries, failures, stale requests."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from reports import rendering, services
from reports.models import Kind, Report, Status
from reports.rendering import StaticFilesOnlyFetcher, URLRefused
from reports.services import report_render, report_request, reports_resend_stale
from reports.tasks import render_report_task, resend_stale_reports
from research.models import Observation

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _queued(unit, researcher, kind=Kind.BASELINE, language="en"):
    return report_request(unit=unit, kind=kind, language=language, actor=researcher, send=False)


# --- Snapshots --------------------------------------------------------------------


def test_a_finished_report_keeps_its_numbers_when_the_data_changes(filled_unit, researcher):
    report = report_render(_queued(filled_unit, researcher).pk)
    before = pdf_text(report)
    snapshot = report.snapshot
    assert "2.80" in before  # baseline mean of wellbeing: (2 + 3 + 3 + 4 + 2) / 5

    Observation.objects.filter(unit=filled_unit).update(value_numeric=1)
    report.refresh_from_db()

    assert report.snapshot == snapshot
    assert pdf_text(report) == before
    report.error = "edited"
    with pytest.raises(ValidationError):
        report.save()


def test_rendering_a_finished_report_again_changes_nothing(filled_unit, researcher):
    report = report_render(_queued(filled_unit, researcher).pk)
    sha, finished = report.sha256, report.finished_at

    again = render_report_task.apply(args=[report.pk]).get()

    report.refresh_from_db()
    assert again == Status.DONE
    assert (report.sha256, report.finished_at, report.attempts) == (sha, finished, 1)
    assert Report.objects.filter(unit=filled_unit).count() == 1


def test_a_retry_renders_from_the_snapshot_taken_on_the_first_attempt(filled_unit, researcher):
    report = _queued(filled_unit, researcher)
    snapshot = services.build_snapshot(report)
    snapshot["unit"]["name"] = "Name when first tried"
    Report.objects.filter(pk=report.pk).update(snapshot=snapshot, attempts=1)

    report = report_render(report.pk)

    assert report.status == Status.DONE
    assert "Name when first tried" in pdf_text(report)
    assert report.attempts == 2


# --- The URL fetcher ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///static/../../../../etc/passwd",
        "file:///static/reports/../../../bpu/settings.py",
        "http://example.org/logo.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
    ],
)
def test_the_url_fetcher_refuses_everything_but_static_files(url):
    with pytest.raises(URLRefused):
        StaticFilesOnlyFetcher().fetch(url)


def test_the_url_fetcher_gives_the_report_stylesheet():
    response = StaticFilesOnlyFetcher().fetch("file:///static/reports/report.css")
    assert b"@page" in response.read()


def test_an_image_pointing_outside_the_static_files_is_left_out():
    pdf = rendering.html_to_pdf(
        '<p>Text</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    )
    assert pdf.pages == 1


# --- Failures ----------------------------------------------------------------------


def test_a_render_that_keeps_failing_ends_as_failed_with_its_reason(
    django_capture_on_commit_callbacks, filled_unit, researcher, monkeypatch, settings
):
    settings.REPORTS_MAX_ATTEMPTS = 3

    def broken(html):
        raise RuntimeError("the PDF engine ran out of paper")

    monkeypatch.setattr(services, "html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            unit=filled_unit, kind=Kind.BASELINE, language="en", actor=researcher
        )

    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert report.attempts == 3
    assert "Gave up after 3 attempts" in report.error
    assert "the PDF engine ran out of paper" in report.error
    assert not report.pdf and report.finished_at


def test_a_render_that_fails_once_succeeds_on_the_retry(
    django_capture_on_commit_callbacks, filled_unit, researcher, monkeypatch
):
    real = services.html_to_pdf
    calls = []

    def flaky(html):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk hiccup")
        return real(html)

    monkeypatch.setattr(services, "html_to_pdf", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            unit=filled_unit, kind=Kind.BASELINE, language="en", actor=researcher
        )

    report.refresh_from_db()
    assert report.status == Status.DONE
    assert report.attempts == 2 and report.error == ""


def test_when_the_broker_is_down_the_request_stays_queued(
    django_capture_on_commit_callbacks, unit, researcher, monkeypatch
):
    def no_broker(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_report_task, "apply_async", no_broker)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(unit=unit, kind=Kind.BASELINE, language="en", actor=researcher)

    report.refresh_from_db()
    assert report.status == Status.QUEUED
    assert Report.objects.filter(unit=unit).count() == 1


# --- Nothing stays queued or rendering forever -----------------------------------


def test_resend_renders_requests_that_waited_too_long(unit, researcher, settings):
    settings.REPORTS_RESEND_AFTER_MINUTES = 10
    old = _queued(unit, researcher)
    fresh = _queued(unit, researcher)
    Report.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(minutes=11))

    result = resend_stale_reports.apply().get()

    assert result["resent"] == [old.pk]
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Status.DONE
    assert fresh.status == Status.QUEUED  # it may still be on its way


def test_resend_restarts_a_render_whose_worker_died(unit, researcher, settings):
    settings.REPORTS_MAX_ATTEMPTS = 3
    report = _queued(unit, researcher)
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    Report.objects.filter(pk=report.pk).update(
        status=Status.RENDERING, started_at=long_ago, attempts=1, progress=40
    )

    result = reports_resend_stale()

    report.refresh_from_db()
    assert result["resent"] == [report.pk]
    assert report.status == Status.DONE and report.attempts == 2


def test_resend_gives_up_after_the_attempt_bound(unit, researcher, settings):
    settings.REPORTS_MAX_ATTEMPTS = 3
    report = _queued(unit, researcher)
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    Report.objects.filter(pk=report.pk).update(
        status=Status.RENDERING, started_at=long_ago, attempts=3
    )

    result = reports_resend_stale()

    report.refresh_from_db()
    assert result == {"resent": [], "failed": [report.pk]}
    assert report.status == Status.FAILED
    assert "3 times" in report.error


def test_a_render_still_running_is_left_alone(unit, researcher):
    report = _queued(unit, researcher)
    Report.objects.filter(pk=report.pk).update(
        status=Status.RENDERING, started_at=timezone.now(), attempts=1
    )

    assert reports_resend_stale() == {"resent": [], "failed": []}
    report.refresh_from_db()
    assert report.status == Status.RENDERING


def test_deleting_a_unit_removes_its_report_files(
    filled_unit, researcher, django_capture_on_commit_callbacks
):
    report = report_render(_queued(filled_unit, researcher).pk)
    path = report.pdf.path

    with django_capture_on_commit_callbacks(execute=True):
        filled_unit.delete()

    assert not Report.objects.exists()
    assert not Path(path).exists()
