"""Asking for a report and rendering it: the one code path for the worker, the
command line and the demo.

A request is stored (queued) before its task is sent, and the task is sent
only when the transaction commits. Rendering claims the row under a lock,
renders from the stored snapshot (taken on the first attempt), and completes a
report exactly once: a second delivery of the same task finds it done.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from datetime import timedelta
from functools import partial

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from bpu.celery import enqueue
from units import registry
from units.models import Programme, Unit
from units.updates import apply_changes

from . import snapshot as snapshots
from .archive import data_copy_save
from .models import UNIT_KINDS, Kind, Report, ReportNarrative, Status, report_upload_to
from .rendering import html_to_pdf, render_html

logger = logging.getLogger(__name__)

# --- Asking ---------------------------------------------------------------------


def _check_request(*, unit, programme, kind, language) -> None:
    if (unit is None) == (programme is None):
        raise ValidationError(gettext("A report is made either for a unit or for a programme."))
    if unit is not None and kind not in UNIT_KINDS:
        raise ValidationError(
            gettext("A unit has baseline, intermediary and final reports, not %(kind)s.")
            % {"kind": kind}
        )
    if programme is not None and kind != Kind.COMPARISON:
        raise ValidationError(gettext("A programme has only comparison reports."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(gettext("Choose English or Dutch as the report's language."))


@transaction.atomic
def report_request(
    *,
    unit=None,
    programme=None,
    kind: str,
    language: str,
    actor,
    send: bool = True,
    token: uuid.UUID | None = None,
) -> Report:
    """Store a queued report (the next version of its kind) and send its task on commit.

    ``send=False`` is for callers that render it themselves (the command, the demo).
    ``token`` is the request form's one-time token: a request with a token this
    person already used returns the report that token made, and changes nothing.
    """
    _check_request(unit=unit, programme=programme, kind=kind, language=language)
    # Lock the owner so that two requests at once get different version numbers, and
    # a form sent twice at once is seen as such by the second.
    if unit is not None:
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
    else:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if token is not None:
        earlier = _requested_with(actor, token)
        if earlier is not None:
            return earlier
    latest = Report.objects.for_owner(unit=unit, programme=programme).filter(kind=kind)
    version = (latest.aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        with transaction.atomic():
            report = Report.objects.create(
                unit=unit,
                programme=programme,
                kind=kind,
                language=language,
                version=version,
                requested_by=actor,
                request_token=token,
            )
    except IntegrityError:
        # The same token sent at the same moment for another owner: not a second report.
        earlier = _requested_with(actor, token) if token is not None else None
        if earlier is None:
            raise
        return earlier
    if send:
        transaction.on_commit(partial(report_send, report_id=report.pk))
    return report


def _requested_with(actor, token) -> Report | None:
    return Report.objects.filter(requested_by=actor, request_token=token).first()


def report_send(*, report_id: int, countdown: int | None = None) -> bool:
    """Hand a queued report to the broker. If the broker is down, it stays queued."""
    from .tasks import render_report_task

    Report.objects.filter(pk=report_id, status=Status.QUEUED).update(sent_at=timezone.now())
    return enqueue(render_report_task, report_id, countdown=countdown)


@transaction.atomic
def narrative_save(*, unit=None, programme=None, kind: str, actor, **sections) -> ReportNarrative:
    narrative, _created = ReportNarrative.objects.select_for_update().get_or_create(
        unit=unit, programme=programme, kind=kind
    )
    changed = apply_changes(
        narrative,
        {**sections, "updated_by": actor},
        allowed=(*ReportNarrative.SECTIONS, "updated_by"),
    )
    narrative.save(update_fields=changed)
    return narrative


# --- Rendering --------------------------------------------------------------------


def _progress(report: Report, value: int) -> None:
    _alive(report).update(progress=value, heartbeat_at=timezone.now())
    # Set only by the test worker's settings (tests/worker_settings.py): a slower
    # render, so that a test can kill the worker mid-render.
    delay = getattr(settings, "REPORTS_RENDER_STEP_DELAY", 0)
    if delay:
        time.sleep(delay)


def _alive(report: Report):
    """This render's row, as long as no other render took the report over."""
    return Report.objects.filter(
        pk=report.pk, status=Status.RENDERING, render_task=report.render_task
    )


class _Heartbeat:
    """Touches the report's heartbeat every REPORTS_HEARTBEAT_SECONDS while the render
    runs, also through a long step without progress (WeasyPrint on a big report), so
    that a slow render is never taken for a dead one. Its own thread and connection."""

    def __init__(self, report: Report):
        self.report = report
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"report-{report.pk}-heartbeat")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.REPORTS_HEARTBEAT_SECONDS):
                try:
                    _alive(self.report).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    # The render will find out itself; the heartbeat just tries again.
                    logger.warning("Report %s: heartbeat not stored (%s)", self.report.pk, exc)
        finally:
            connection.close()  # this thread's own connection


def _is_alive_elsewhere(report: Report, task_id: str | None) -> bool:
    """Another task is rendering the report and showed signs of life recently.

    The same task delivered again is not "another": Redis delivers a message again
    only once its worker lost it. A render without a task (the command) always runs.
    """
    if report.status != Status.RENDERING or task_id is None or report.render_task == task_id:
        return False
    fresh = timezone.now() - timedelta(seconds=settings.REPORTS_STALE_AFTER_SECONDS)
    last = report.heartbeat_at or report.started_at
    return last is not None and last >= fresh


def _claim(report_id: int, task_id: str | None = None) -> Report | None:
    """Mark the report as rendering (one more attempt), or None if there is nothing to do."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status in (Status.DONE, Status.FAILED):
            return None
        if _is_alive_elsewhere(report, task_id):
            logger.info("Report %s is rendered by a live task already; not again", report_id)
            return None
        if report.attempts >= settings.REPORTS_MAX_ATTEMPTS:
            # The previous attempts never came back (the worker died, or the time limit hit).
            with translation.override(report.language):
                reason = gettext(
                    "Rendering stopped %(n)d times without finishing (the worker stopped or "
                    "the time limit was reached). Try again with less data, or ask an "
                    "administrator to look at the worker's log."
                ) % {"n": report.attempts}
            _mark_failed(report_id, report.error or reason)
            return None
        now = timezone.now()
        Report.objects.filter(pk=report_id).update(
            status=Status.RENDERING,
            started_at=now,
            heartbeat_at=now,
            render_task=task_id or f"local-{uuid.uuid4()}",
            attempts=F("attempts") + 1,
            progress=5,
        )
    report.refresh_from_db()
    return report


def _mark_failed(report_id: int, reason: str) -> None:
    with transaction.atomic():
        failed = (
            Report.objects.filter(pk=report_id)
            .exclude(status=Status.DONE)
            .update(status=Status.FAILED, error=reason, finished_at=timezone.now(), progress=0)
        )
        if failed:  # notifications are made once per report (their dedupe key)
            registry.emit("report.finished", report=Report.objects.get(pk=report_id))


def _readable(exc: BaseException, language: str) -> str:
    with translation.override(language):
        if isinstance(exc, SoftTimeLimitExceeded):
            return gettext("Rendering took longer than the time limit of %(s)d seconds.") % {
                "s": settings.CELERY_TASK_SOFT_TIME_LIMIT
            }
        return gettext("The report could not be rendered: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"[:500]
        }


def meta_for(report: Report) -> dict:
    return {
        "kind": report.kind,
        "version": report.version,
        "language": report.language,
        "requested_by": report.requested_by.full_name if report.requested_by else "",
        "requested_at": report.requested_at,
    }


def build_snapshot(report: Report) -> dict:
    if report.unit_id:
        return snapshots.unit_snapshot(report.unit, report.kind)
    return snapshots.programme_snapshot(report.programme)


def report_render(report_id: int, task_id: str | None = None) -> Report | None:
    """Render a report once. Returns the report: done, failed, or queued again to retry.

    ``task_id`` is the Celery task's id: a second task for a report that a live task
    is rendering does nothing (see ``_is_alive_elsewhere``).
    """
    report = _claim(report_id, task_id)
    if report is None:
        return Report.objects.filter(pk=report_id).first()
    try:
        with _Heartbeat(report):
            snapshot = report.snapshot
            if not snapshot:
                # Taken on the first attempt and kept: a retry renders the same data.
                snapshot = build_snapshot(report)
                # And the data it is made from, for the archive to deposit.
                data_copy_save(report, snapshot)
                Report.objects.filter(pk=report_id).update(snapshot=snapshot)
            _progress(report, 10)
            html = render_html(
                kind=report.kind,
                language=report.language,
                snapshot=snapshot,
                meta=meta_for(report),
            )
            _progress(report, 40)
            pdf = html_to_pdf(html)
            _progress(report, 90)
        _finish(report, pdf)
    except Exception as exc:
        logger.exception("Report %s: attempt %s failed", report_id, report.attempts)
        _after_failure(report, _readable(exc, report.language))
    return Report.objects.get(pk=report_id)


def _finish(report: Report, pdf) -> None:
    name = default_storage.save(report_upload_to(report, "report.pdf"), ContentFile(pdf.content))
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status == Status.DONE:
            # Another delivery of the same task finished first: keep its PDF only.
            default_storage.delete(name)
            return
        Report.objects.filter(pk=report.pk).update(
            status=Status.DONE,
            pdf=name,
            page_count=pdf.pages,
            sha256=hashlib.sha256(pdf.content).hexdigest(),
            finished_at=timezone.now(),
            progress=100,
            error="",
        )
        registry.emit("report.finished", report=Report.objects.get(pk=report.pk))


def _after_failure(report: Report, reason: str) -> None:
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status == Status.DONE:
            return
        if current.attempts >= settings.REPORTS_MAX_ATTEMPTS:
            with translation.override(report.language):
                reason = gettext("Gave up after %(n)d attempts. %(reason)s") % {
                    "n": current.attempts,
                    "reason": reason,
                }
            _mark_failed(report.pk, reason)
        else:
            Report.objects.filter(pk=report.pk).update(
                status=Status.QUEUED, error=reason, progress=0
            )


def report_render_now(report_id: int) -> Report:
    """Render synchronously, retrying in-process up to the attempt bound (command, demo)."""
    report = report_render(report_id)
    while report is not None and report.status == Status.QUEUED:
        report = report_render(report_id)
    return report


# --- Nothing stays queued or rendering forever ------------------------------------


def reports_resend_stale(*, now=None) -> dict:
    """Re-send requests the broker never delivered, and restart renders whose worker died.

    A render is dead when its heartbeat is older than REPORTS_STALE_AFTER_SECONDS (a live
    one touches it every REPORTS_HEARTBEAT_SECONDS, see ``_Heartbeat``).
    """
    now = now or timezone.now()
    queued_cutoff = now - timedelta(minutes=settings.REPORTS_RESEND_AFTER_MINUTES)
    silent_since = now - timedelta(seconds=settings.REPORTS_STALE_AFTER_SECONDS)
    resent, failed = [], []
    stuck = Report.objects.filter(status=Status.RENDERING).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
    )
    for report in stuck:
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=report.pk)
            if current.status != Status.RENDERING or current.render_task != report.render_task:
                continue
            if current.attempts >= settings.REPORTS_MAX_ATTEMPTS:
                with translation.override(current.language):
                    reason = gettext(
                        "Rendering stopped %(n)d times without finishing (the worker stopped or "
                        "the time limit was reached). Try again with less data, or ask an "
                        "administrator to look at the worker's log."
                    ) % {"n": current.attempts}
                _mark_failed(current.pk, reason)
                failed.append(current.pk)
                continue
            Report.objects.filter(pk=current.pk).update(status=Status.QUEUED, progress=0)
        resent.append(current.pk)
    waiting = Report.objects.filter(status=Status.QUEUED, requested_at__lt=queued_cutoff).exclude(
        sent_at__gte=queued_cutoff
    )
    resent.extend(pk for pk in waiting.values_list("pk", flat=True) if pk not in resent)
    for pk in resent:
        report_send(report_id=pk)
    return {"resent": resent, "failed": failed}
