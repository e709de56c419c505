"""Reports through a real Celery worker on Redis (CI's services stage).

The worker is restarted by each test so that it writes PDFs where this test
reads them (its MEDIA_ROOT) and, for the kill test, renders slowly enough to be
killed mid-render (REPORTS_RENDER_STEP_DELAY, read by the worker at start).
"""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from bpu.celery import app
from reports.models import Kind, Report, Status
from reports.services import report_request, reports_resend_stale
from tests.worker import WorkerProcess

from .conftest import fill_unit, pdf_text

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("transactional_db")]

SPARE_BROKER_PORT = 6390


def _wait_for(report, condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if condition(report):
            return report
        time.sleep(0.2)
    raise AssertionError(
        f"report {report.pk} stuck: {report.status} {report.progress}% {report.error}"
    )


def _restart(worker, monkeypatch, delay=None):
    worker.stop()
    if delay is None:
        monkeypatch.delenv("REPORTS_RENDER_STEP_DELAY", raising=False)
    else:
        monkeypatch.setenv("REPORTS_RENDER_STEP_DELAY", str(delay))
    worker.start()


def _people(unit):
    from units.models import Role

    from ..factories import MembershipFactory

    return MembershipFactory(unit=unit, role=Role.RESEARCHER).user


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Kind.BASELINE, "2,80"),  # the wellbeing baseline mean, as the Dutch page writes it
        (Kind.INTERMEDIARY, "+0,60"),  # baseline -> intermediary mean difference
        (Kind.FINAL, "+1,20"),  # baseline -> final mean difference
        (Kind.COMPARISON, "2,80"),
    ],
)
def test_each_kind_is_rendered_by_a_worker_process(
    celery_worker_process, monkeypatch, kind, expected
):
    from ..factories import ProgrammeFactory, UnitFactory

    _restart(celery_worker_process, monkeypatch)
    programme = ProgrammeFactory()
    unit = UnitFactory(programme=programme)
    researcher = _people(unit)
    fill_unit(unit, researcher)

    if kind == Kind.COMPARISON:
        report = report_request(programme=programme, kind=kind, language="nl", actor=researcher)
    else:
        report = report_request(unit=unit, kind=kind, language="nl", actor=researcher)
    report = _wait_for(report, lambda r: not r.is_pending)

    assert report.status == Status.DONE, report.error
    assert report.attempts == 1
    text = pdf_text(report)
    assert expected in text
    assert unit.name in text


def test_a_worker_killed_mid_render_still_completes_the_report_once(
    celery_worker_process, monkeypatch, settings
):
    from ..factories import UnitFactory

    _restart(celery_worker_process, monkeypatch, delay=1.5)
    try:
        unit = UnitFactory()
        researcher = _people(unit)
        report = report_request(unit=unit, kind=Kind.BASELINE, language="en", actor=researcher)
        _wait_for(report, lambda r: r.status == Status.RENDERING and r.progress >= 10, 60)

        celery_worker_process.kill_pool_process()

        report = _wait_for(report, lambda r: not r.is_pending, 120)
    finally:
        _restart(celery_worker_process, monkeypatch)

    assert report.status == Status.DONE, report.error
    assert report.attempts == 2  # the killed attempt and the redelivered one
    assert Report.objects.filter(unit=unit).count() == 1
    pdfs = list((Path(settings.MEDIA_ROOT) / "reports" / unit.slug).glob("*.pdf"))
    assert [p.name for p in pdfs] == [Path(report.pdf.name).name]


def test_a_worker_killed_as_a_whole_is_resumed_once_its_heartbeat_stops(
    celery_worker_process, monkeypatch, settings
):
    """The whole worker dies mid-render; a new one starts at once (as the container's
    restart policy does). Its message stays unacknowledged in Redis (redelivered only
    after the visibility timeout), so the resend run brings the report back as soon as
    its heartbeat is older than REPORTS_STALE_AFTER_SECONDS. Scaled down here (stale
    after 4 s, heartbeat 0.5 s, resend run every 2 s) to keep CI fast; production:
    120 s, 15 s, 60 s (docs/reliability.md). KILL_DRILL="120,15,60" measures those."""
    from ..factories import UnitFactory

    stale, heartbeat, beat_every = (
        float(x) for x in os.environ.get("KILL_DRILL", "4,0.5,2").split(",")
    )
    settings.REPORTS_STALE_AFTER_SECONDS = int(stale)
    monkeypatch.setenv("REPORTS_HEARTBEAT_SECONDS", str(heartbeat))
    _restart(celery_worker_process, monkeypatch, delay=1.5)
    unit = UnitFactory()
    researcher = _people(unit)
    report = report_request(unit=unit, kind=Kind.BASELINE, language="en", actor=researcher)
    _wait_for(report, lambda r: r.status == Status.RENDERING and r.progress >= 10, 60)

    celery_worker_process.kill()
    killed = time.monotonic()
    monkeypatch.delenv("REPORTS_RENDER_STEP_DELAY", raising=False)
    celery_worker_process.start()
    resumed = None
    deadline = killed + stale + beat_every + 60
    while resumed is None and time.monotonic() < deadline:
        if reports_resend_stale()["resent"] == [report.pk]:
            resumed = time.monotonic() - killed
        else:
            time.sleep(beat_every)
    report = _wait_for(report, lambda r: not r.is_pending, 60)
    print(f"killed worker: report sent again {resumed:.1f} s after the kill")  # noqa: T201

    assert resumed is not None
    assert resumed <= settings.REPORTS_STALE_AFTER_SECONDS + beat_every + 2
    assert report.status == Status.DONE, report.error
    assert report.attempts == 2
    pdfs = list((Path(settings.MEDIA_ROOT) / "reports" / unit.slug).glob("*.pdf"))
    assert [p.name for p in pdfs] == [Path(report.pdf.name).name]


@contextmanager
def _spare_broker():
    """A Redis of our own on a spare port, which the test can stop and start."""
    server = shutil.which("redis-server")
    assert server, "redis-server is needed for the broker-down test"
    processes = []

    def start():
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            [server, "--port", str(SPARE_BROKER_PORT), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(proc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", SPARE_BROKER_PORT), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    try:
        yield start
    finally:
        for proc in processes:
            proc.terminate()
            proc.wait(timeout=10)


def _point_app_at(url, monkeypatch=None):
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    if monkeypatch is not None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def test_a_request_made_while_the_broker_is_down_completes_once_it_is_back(
    settings, monkeypatch, caplog
):
    from ..factories import UnitFactory

    spare = f"redis://127.0.0.1:{SPARE_BROKER_PORT}/0"
    original = app.conf.broker_url
    settings.CELERY_BROKER_URL = spare
    worker = WorkerProcess()
    _point_app_at(spare, monkeypatch)
    try:
        with _spare_broker() as start_broker:
            unit = UnitFactory()
            researcher = _people(unit)

            # The broker is down: the request is stored and stays queued.
            report = report_request(unit=unit, kind=Kind.BASELINE, language="en", actor=researcher)
            report.refresh_from_db()
            assert report.status == Status.QUEUED
            waiting = f"reports.render_report({report.pk},) stays waiting"
            assert f"{waiting}: the broker did not take it" in caplog.text

            start_broker()
            monkeypatch.delenv("REPORTS_RENDER_STEP_DELAY", raising=False)
            worker.start()
            _point_app_at(spare)  # a fresh connection pool after the failure
            later = timezone.now() + timedelta(minutes=settings.REPORTS_RESEND_AFTER_MINUTES + 1)
            result = reports_resend_stale(now=later)
            assert result["resent"] == [report.pk]

            report = _wait_for(report, lambda r: not r.is_pending)
            worker.stop()
    finally:
        worker.stop()
        monkeypatch.undo()
        _point_app_at(original)

    assert report.status == Status.DONE, report.error
    assert report.attempts == 1
