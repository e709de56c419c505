"""Import batches: upload, check (preview), confirm, import - in the background.

The page stores the file and a queued batch, and sends a task when the transaction
commits; a worker checks the file (a dry run) and stores what it would change, or
its problems. Confirming queues the import the same way. A long file therefore
never holds a web request (nor hits its timeout). Without a broker (make run,
tests) the task runs in-process when the request commits. The status page asks
every two seconds; the progress is in the cache (it is only a hint).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bpu.celery import enqueue
from bpu.stored_files import delete_unless_committed
from units.access import Accessed, Perm, unit_access
from units.models import AccessAction, DataKind

from ..importing.problems import Problems
from ..models import ImportBatch, Observation, ObservationChange, Wave
from ..statistics import unit_statistics
from ..tasks import process_import_task
from .observations import observations_import

logger = logging.getLogger(__name__)

IMPORT_MAX_ATTEMPTS = 3
IMPORT_RESEND_AFTER = timedelta(minutes=5)
PROGRESS_TIMEOUT = 60 * 60


def progress_key(batch_id: int) -> str:
    return f"research:import:{batch_id}:progress"


def _progress_setter(batch_id: int, low: int, high: int):
    """Store the progress of the reading as a percentage between ``low`` and ``high``."""

    def store(fraction: float) -> None:
        cache.set(progress_key(batch_id), int(low + (high - low) * fraction), PROGRESS_TIMEOUT)

    return store


def _forget_stale_previews(*, unit):
    """Previews never confirmed, and failed uploads, after a day: their files go."""
    stale = ImportBatch.objects.filter(
        unit=unit,
        status__in=(ImportBatch.Status.PREVIEWED, ImportBatch.Status.FAILED),
        created_at__lt=timezone.now() - timedelta(days=1),
    )
    for batch in stale:
        batch.file.delete(save=False)
        batch.delete()


@transaction.atomic
def import_batch_upload(*, unit, upload, wave=None, sheet="", actor) -> ImportBatch:
    """Store an uploaded data file as a queued batch; its check is sent on commit."""
    _forget_stale_previews(unit=unit)
    batch = ImportBatch(
        unit=unit,
        uploaded_by=actor,
        original_filename=Path(upload.name).name[:255],
        wave=wave,
        sheet=sheet[:100],
        status=ImportBatch.Status.QUEUED,
    )
    upload.seek(0)
    batch.file.save(upload.name, upload, save=False)
    delete_unless_committed(batch.file)
    batch.save()
    transaction.on_commit(partial(import_batch_send, batch_id=batch.pk))
    return batch


@transaction.atomic
def import_batch_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Queue the import of a previewed batch; the task is sent on commit. Confirming
    twice (two clicks, two tabs) queues it once."""
    batch = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError(_("This import was confirmed already."))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.ACCEPTED,
        attempts=0,
        error="",
        started_at=None,
        confirmed_by=actor,
    )
    transaction.on_commit(partial(import_batch_send, batch_id=batch.pk))
    batch.status = ImportBatch.Status.ACCEPTED
    return batch


def import_batch_send(*, batch_id: int) -> bool:
    """Hand a waiting batch to the broker. If the broker is down, it stays waiting."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.ACCEPTED)
    ).update(sent_at=timezone.now())
    return enqueue(process_import_task, batch_id)


_NEXT = {
    ImportBatch.Status.QUEUED: ImportBatch.Status.CHECKING,
    ImportBatch.Status.ACCEPTED: ImportBatch.Status.IMPORTING,
}


def _claim(batch_id: int) -> ImportBatch | None:
    """Mark the batch as being checked or imported, or None if there is nothing to do
    (done already, or another worker is at it)."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("unit", "wave", "uploaded_by", "confirmed_by")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.status not in _NEXT:
            return None
        if batch.attempts >= IMPORT_MAX_ATTEMPTS:
            _fail(batch, error=_stopped(batch.attempts))
            return None
        batch.status = _NEXT[batch.status]
        batch.attempts += 1
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "attempts", "started_at"])
    cache.set(progress_key(batch_id), 0, PROGRESS_TIMEOUT)
    return batch


def _stopped(attempts: int) -> str:
    return _(
        "The work stopped %(n)d times without finishing (the worker stopped or the time limit "
        "was reached). Split the file into smaller files, or ask an administrator to look at "
        "the worker's log."
    ) % {"n": attempts}


def _fail(batch: ImportBatch, *, error: str = "", problems: Problems | None = None) -> None:
    batch.file.delete(save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        error=error,
        problems=[[p.line, p.column, p.message] for p in problems] if problems else [],
        problems_total=problems.total if problems else 0,
        finished_at=timezone.now(),
        file="",
    )


def import_batch_process(batch_id: int) -> ImportBatch | None:
    """Check or import a batch, whichever it is waiting for (the task's one service)."""
    batch = _claim(batch_id)
    if batch is None:
        return ImportBatch.objects.filter(pk=batch_id).first()
    try:
        batch.file.open("rb")
    except (ValueError, OSError):
        _fail(batch, error=_("The uploaded file is no longer there; upload it again."))
        return ImportBatch.objects.get(pk=batch_id)
    # The problems are stored as text: in the uploader's language (a worker has none of
    # its own), so a Dutch researcher reads "37,6 ligt boven het maximum 37,5".
    language = getattr(batch.uploaded_by, "language", "") or translation.get_language()
    try:
        with translation.override(language):
            if batch.status == ImportBatch.Status.CHECKING:
                _check(batch)
            else:
                _import(batch)
    except Exception as exc:
        logger.exception("Import %s: attempt %s failed", batch_id, batch.attempts)
        _fail(batch, error=_readable(exc))
    finally:
        batch.file.close()
    return ImportBatch.objects.get(pk=batch_id)


def _readable(exc: BaseException) -> str:
    from billiard.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return _(
            "The file took longer than the time limit of %(s)d seconds; split it into smaller "
            "files."
        ) % {"s": settings.CELERY_TASK_SOFT_TIME_LIMIT}
    return _("The file could not be processed: %(error)s") % {
        "error": f"{type(exc).__name__}: {exc}"[:500]
    }


def _check(batch: ImportBatch) -> None:
    result = observations_import(
        unit=batch.unit,
        file=batch.file,
        wave=batch.wave,
        actor=batch.uploaded_by,
        dry_run=True,
        filename=batch.original_filename,
        progress=_progress_setter(batch.pk, 0, 95),
        sheet=batch.sheet,
    )
    if not result.ok:
        _fail(batch, problems=result.problems)
        return
    ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
        status=ImportBatch.Status.PREVIEWED,
        shape=result.summary.shape,
        rows=result.summary.rows,
        values_created=result.created,
        values_updated=result.updated,
        values_unchanged=result.unchanged,
        sample_changes=result.changes,
        preview=_preview(batch, result),
        finished_at=timezone.now(),
    )


def _preview(batch: ImportBatch, result) -> dict:
    """What the preview shows besides the counts: the waves the values go into (their
    codes and labels) and the first values as read."""
    waves = Wave.objects.filter(pk__in=result.summary.waves).in_time()
    return {
        # A default wave's label is shown in the reader's language (Wave.display_label).
        "waves": [
            {"code": w.code, "label": w.label, "default": w.has_default_label} for w in waves
        ],
        "first": result.summary.first,
        "sheet": result.summary.sheet,
        "sheets": result.summary.sheets,
    }


def log_values_written(access, batch: ImportBatch) -> None:
    """The values an import wrote, in the name of whoever confirmed it: one
    entry per respondent code, "created" for new values only and "changed" where a
    stored value was replaced (one INSERT each, in the import's transaction)."""
    written = set(
        Observation.objects.filter(batch=batch).values_list("respondent", flat=True).distinct()
    )
    changed = set(
        ObservationChange.objects.filter(batch=batch)
        .values_list("respondent", flat=True)
        .distinct()
    )
    for action, codes in (
        (AccessAction.CREATED, written - changed),
        (AccessAction.CHANGED, changed),
    ):
        access.log(action, DataKind.RESEARCH_DATA, [Accessed(respondent=c) for c in sorted(codes)])


def _import(batch: ImportBatch) -> None:
    confirmed_by = batch.confirmed_by or batch.uploaded_by
    access = unit_access(confirmed_by, batch.unit) if confirmed_by else None
    if access is None or not access.can(Perm.MANAGE_RESEARCH):
        _fail(
            batch,
            error=_(
                "Whoever confirmed this import no longer manages the research of this unit, "
                "so nothing was written. Upload the file again."
            ),
        )
        return
    result = observations_import(
        unit=batch.unit,
        file=batch.file,
        wave=batch.wave,
        actor=batch.uploaded_by,
        batch=batch,
        filename=batch.original_filename,
        progress=_progress_setter(batch.pk, 0, 90),
        sheet=batch.sheet,
        on_written=partial(log_values_written, access),
    )
    if not result.ok:
        # The codebook or the waves changed since the preview: nothing was written.
        _fail(batch, problems=result.problems)
        return
    ImportBatch.objects.filter(pk=batch.pk).update(
        values_unchanged=result.unchanged, finished_at=timezone.now()
    )
    # Work out the statistics of the new data now, in the worker, so that nobody waits
    # for them on the first view (once the import is committed: never for data that
    # could still be rolled back).
    unit = batch.unit
    transaction.on_commit(lambda: unit_statistics(unit))


def import_batches_resend_stale(*, now=None) -> dict:
    """Send again what the broker never delivered, and restart work whose worker died."""
    now = now or timezone.now()
    cutoff = now - IMPORT_RESEND_AFTER
    # Still "checking" or "importing" after the hard time limit: no live worker any more.
    working_cutoff = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    back = {
        ImportBatch.Status.CHECKING: ImportBatch.Status.QUEUED,
        ImportBatch.Status.IMPORTING: ImportBatch.Status.ACCEPTED,
    }
    resent, failed = [], []
    for pk in ImportBatch.objects.filter(
        status__in=tuple(back), started_at__lt=working_cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=pk)
            if batch.status not in back:
                continue
            if batch.attempts >= IMPORT_MAX_ATTEMPTS:
                _fail(batch, error=_stopped(batch.attempts))
                failed.append(pk)
                continue
            ImportBatch.objects.filter(pk=pk).update(status=back[batch.status])
        resent.append(pk)
    waiting = ImportBatch.objects.filter(
        status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.ACCEPTED), created_at__lt=cutoff
    ).exclude(sent_at__gte=cutoff)
    resent.extend(pk for pk in waiting.values_list("pk", flat=True) if pk not in resent)
    for pk in resent:
        import_batch_send(batch_id=pk)
    return {"resent": resent, "failed": failed}
