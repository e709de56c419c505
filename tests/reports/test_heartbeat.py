"""A render shows it is alive (heartbeat_at); one whose heartbeat stopped is resumed
within minutes, one that is merely slow is never rendered a second time."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from reports import services
from reports.models import Kind, Report, Status
from reports.services import report_render, report_request, reports_resend_stale

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The tasks the stale check sends (not run here)."""
    calls = []
    monkeypatch.setattr(services, "report_send", lambda **kw: calls.append(kw["report_id"]))
    return calls


def _rendering(unit, researcher, *, heartbeat_age: float, task="task-1", attempts=1):
    report = report_request(
        unit=unit, kind=Kind.BASELINE, language="en", actor=researcher, send=False
    )
    now = timezone.now()
    Report.objects.filter(pk=report.pk).update(
        status=Status.RENDERING,
        started_at=now - timedelta(seconds=heartbeat_age + 5),
        heartbeat_at=now - timedelta(seconds=heartbeat_age),
        render_task=task,
        attempts=attempts,
        progress=40,
    )
    return report


def test_a_render_whose_heartbeat_stopped_is_sent_again(unit, researcher, settings, sent):
    settings.REPORTS_STALE_AFTER_SECONDS = 120
    dead = _rendering(unit, researcher, heartbeat_age=121)
    alive = _rendering(unit, researcher, heartbeat_age=100)

    result = reports_resend_stale()

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert result == {"resent": [dead.pk], "failed": []}
    assert sent == [dead.pk]
    assert (dead.status, dead.progress) == (Status.QUEUED, 0)
    assert alive.status == Status.RENDERING


def test_a_dead_render_is_resumed_within_the_stated_bound(unit, researcher, settings, sent):
    """Killed right after a heartbeat: stale after REPORTS_STALE_AFTER_SECONDS, found by
    the next run of the beat schedule. docs/reliability.md states the sum (3 minutes)."""
    settings.REPORTS_STALE_AFTER_SECONDS = 120
    interval = settings.CELERY_BEAT_SCHEDULE["reports-resend-stale"]["schedule"]
    killed_at = timezone.now()
    report = _rendering(unit, researcher, heartbeat_age=0)
    Report.objects.filter(pk=report.pk).update(heartbeat_at=killed_at)

    # Beat runs at its interval, starting at the worst moment (just before it is stale).
    runs = [killed_at + timedelta(seconds=119) + timedelta(seconds=interval * n) for n in range(3)]
    resumed_at = next(t for t in runs if reports_resend_stale(now=t)["resent"])

    assert interval == 60
    assert (resumed_at - killed_at).total_seconds() == 179
    assert sent == [report.pk]


def test_a_second_delivery_leaves_a_live_render_alone(unit, researcher, settings):
    settings.REPORTS_STALE_AFTER_SECONDS = 120
    report = _rendering(unit, researcher, heartbeat_age=10, task="first")

    result = report_render(report.pk, task_id="second")

    report.refresh_from_db()
    assert result.status == Status.RENDERING
    assert (report.attempts, report.render_task, report.progress) == (1, "first", 40)


def test_the_same_task_delivered_again_takes_over(unit, researcher, settings):
    """Redis delivers a message again only when its worker lost it (reject_on_worker_lost,
    or the visibility timeout, 4x the hard time limit): that render is not alive."""
    settings.REPORTS_STALE_AFTER_SECONDS = 120
    report = _rendering(unit, researcher, heartbeat_age=10, task="first")

    result = report_render(report.pk, task_id="first")

    assert result.status == Status.DONE
    assert result.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_slow_step_keeps_the_heartbeat_going(unit, researcher, settings, monkeypatch):
    settings.REPORTS_HEARTBEAT_SECONDS = 0.05
    real = services.html_to_pdf
    beats = []
    report = report_request(
        unit=unit, kind=Kind.BASELINE, language="en", actor=researcher, send=False
    )

    def slow(html):
        # WeasyPrint busy for a while without a progress step: the heartbeat still moves.
        first = Report.objects.get(pk=report.pk).heartbeat_at
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.05)
            beat = Report.objects.get(pk=report.pk).heartbeat_at
            if beat > first:
                beats.append(beat)
                break
        return real(html)

    monkeypatch.setattr(services, "html_to_pdf", slow)
    threads_before = threading.active_count()

    done = report_render(report.pk, task_id="t")

    assert done.status == Status.DONE
    assert len(beats) == 1
    assert threading.active_count() == threads_before  # the heartbeat stopped with the render
