"""Writes of research data: one function per business action, keyword-only, atomic."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import MeasureSpec, Problems, ReadSummary, read_codebook, read_data
from .models import ImportBatch, Measure, Observation, ObservationChange, Wave

logger = logging.getLogger(__name__)

WRITE_CHUNK = 2000
SAMPLE_CHANGES = 50
IMPORT_LOCK = 5005  # pg_advisory_xact_lock(IMPORT_LOCK, unit id): one import per unit at a time


def waves_ensure_defaults(*, unit) -> list[Wave]:
    """Create ``baseline``, ``intermediary`` and ``final`` if missing; return all waves in order.

    One query when they exist already (no transaction needed for a read; creating
    ignores conflicts, so two requests at once cannot fail).
    """
    waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    have = {w.code for w in waves}
    missing = [
        Wave(unit=unit, code=code, label=label, order=order)
        for code, label, order in Wave.DEFAULTS
        if code not in have
    ]
    if missing:
        Wave.objects.bulk_create(missing, ignore_conflicts=True)
        waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    return waves


# --- Waves and measures -----------------------------------------------------------


def _lock_unit(unit) -> None:
    """Serialise writes of codes in one unit (two clicks, two tabs): the second
    request waits for the first and then sees its row (PostgreSQL; SQLite has
    one writer anyway)."""
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()


def _wave_exists(code) -> ValidationError:
    return ValidationError(
        {"code": _("A wave with code %(code)s already exists.") % {"code": code}}
    )


def _measure_exists(code) -> ValidationError:
    return ValidationError(
        {"code": _("A measure with code %(code)s already exists.") % {"code": code}}
    )


@transaction.atomic
def wave_create(*, unit, code, label, date=None) -> Wave:
    _lock_unit(unit)
    if Wave.objects.filter(unit=unit, code__iexact=code).exists():
        raise _wave_exists(code)
    last = Wave.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0
    wave = Wave(unit=unit, code=code, label=label, date=date, order=last + 1)
    wave.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            wave.save()
    except IntegrityError:
        # Inserted by another request between our check and our insert.
        raise _wave_exists(code) from None
    return wave


@transaction.atomic
def wave_update(*, wave, label, date) -> Wave:
    wave.label = label
    wave.date = date
    wave.full_clean()
    wave.save(update_fields=["label", "date"])
    return wave


def _check_type_change(measure: Measure, new_type: str):
    if measure.pk and measure.type != new_type and measure.observations.exists():
        raise ValidationError(
            {"type": _("This measure has data, so its type cannot change.")},
        )


def _check_range_fits(measure: Measure, min_value, max_value):
    if not measure.pk or measure.type == "text":
        return
    bounds = measure.observations.aggregate(lo=Min("value_numeric"), hi=Max("value_numeric"))
    if bounds["lo"] is not None and min_value is not None and bounds["lo"] < min_value:
        raise ValidationError(
            {
                "min_value": _("There is data below this minimum (%(value)s).")
                % {"value": bounds["lo"]}
            }
        )
    if bounds["hi"] is not None and max_value is not None and bounds["hi"] > max_value:
        raise ValidationError(
            {
                "max_value": _("There is data above this maximum (%(value)s).")
                % {"value": bounds["hi"]}
            }
        )


MEASURE_FIELDS = (
    "code",
    "label",
    "construct",
    "type",
    "min_value",
    "max_value",
    "higher_is_better",
    "respondent",
    "order",
)


@transaction.atomic
def measure_save(*, unit, measure: Measure | None = None, **values) -> Measure:
    """Create a measure (``measure=None``) or change one; refuses a type change once it has data."""
    if measure is None:
        measure = Measure(unit=unit)
        if "order" not in values:
            last = Measure.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0
            values["order"] = last + 1
    else:
        if measure.unit_id != unit.pk:
            raise ValidationError(_("This measure belongs to another unit."))
        if "type" in values:
            _check_type_change(measure, values["type"])
        _check_range_fits(measure, values.get("min_value"), values.get("max_value"))
    for name, value in values.items():
        if name not in MEASURE_FIELDS:
            raise TypeError(name)
        setattr(measure, name, value)
    _lock_unit(unit)
    if Measure.objects.filter(unit=unit, code__iexact=measure.code).exclude(pk=measure.pk).exists():
        raise _measure_exists(measure.code)
    measure.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:
        # Inserted by another request between our check and our insert.
        raise _measure_exists(measure.code) from None
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure):
    """Delete a measure and its values (the history of its values goes with it)."""
    measure.delete()


@dataclass
class CodebookResult:
    problems: Problems
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def codebook_import(*, unit, file, filename="", actor=None) -> CodebookResult:
    """Create or update the unit's measures from a codebook file, by code. All or nothing."""
    problems = Problems()
    opened, filename = _open(file, filename)
    try:
        specs = read_codebook(opened, filename=filename, problems=problems)
    finally:
        if opened is not file:
            opened.close()
    result = CodebookResult(problems=problems)
    if problems:
        return result
    try:
        with transaction.atomic():
            _codebook_write(unit, specs, result)
    except _CodeTaken as taken:
        result.created = result.updated = 0
        problems.add(
            taken.spec.line,
            "code",
            _(
                "A measure with code %(code)s already exists (added while this file was "
                "read); upload the codebook again to update it."
            )
            % {"code": taken.spec.code},
        )
    return result


class _CodeTaken(Exception):
    def __init__(self, spec):
        super().__init__(spec.code)
        self.spec = spec


def _codebook_write(unit, specs, result):
    problems = result.problems
    _lock_unit(unit)
    existing = {m.code.casefold(): m for m in Measure.objects.filter(unit=unit)}
    with_data = set(
        Observation.objects.filter(unit=unit).values_list("measure_id", flat=True).distinct()
    )
    ranges = {
        row["measure_id"]: row
        for row in Observation.objects.filter(unit=unit, value_numeric__isnull=False)
        .values("measure_id")
        .annotate(lo=Min("value_numeric"), hi=Max("value_numeric"))
    }
    last = max((m.order for m in existing.values()), default=0)
    for spec in specs:
        measure = existing.get(spec.code.casefold())
        _apply_spec(measure, spec, with_data, ranges, problems)
    if problems:
        return
    for spec in specs:
        measure = existing.get(spec.code.casefold())
        if measure is None:
            last += 1
            measure = Measure(unit=unit, order=last)
            result.created += 1
        else:
            result.updated += 1
        for name in ("code", "label", "construct", "type", "min_value", "max_value"):
            setattr(measure, name, getattr(spec, name))
        measure.higher_is_better = spec.higher_is_better
        measure.respondent = spec.respondent
        try:
            measure.save()
        except IntegrityError:
            # Inserted by another request since we read the codebook: roll all back.
            raise _CodeTaken(spec) from None


def _apply_spec(measure, spec: MeasureSpec, with_data, ranges, problems):
    if measure is None:
        return
    if measure.type != spec.type and measure.pk in with_data:
        problems.add(
            spec.line,
            "type",
            _("The measure “%(code)s” has data, so its type cannot change from %(old)s to %(new)s.")
            % {"code": measure.code, "old": measure.type, "new": spec.type},
        )
    bounds = ranges.get(measure.pk)
    if bounds and spec.type != "text":
        if spec.min_value is not None and bounds["lo"] < spec.min_value:
            problems.add(
                spec.line,
                "min",
                _("The measure “%(code)s” has data below this minimum (%(value)s).")
                % {"code": measure.code, "value": bounds["lo"]},
            )
        if spec.max_value is not None and bounds["hi"] > spec.max_value:
            problems.add(
                spec.line,
                "max",
                _("The measure “%(code)s” has data above this maximum (%(value)s).")
                % {"code": measure.code, "value": bounds["hi"]},
            )


# --- Data import --------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (or, for a preview, would do)."""

    problems: Problems
    summary: ReadSummary = field(default_factory=ReadSummary)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Replaced values (up to SAMPLE_CHANGES), for the preview:
    # dicts with line, respondent, wave, measure, old, new.
    changes: list = field(default_factory=list)
    dry_run: bool = False
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return self.summary.rows

    def summary_line(self) -> str:
        figures = {
            "rows": self.summary.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            return (
                _(
                    "%(rows)s rows read: would add %(created)s values, replace %(updated)s, "
                    "%(unchanged)s unchanged."
                )
                % figures
            )
        return (
            _(
                "%(rows)s rows read: added %(created)s values, replaced %(updated)s, "
                "%(unchanged)s unchanged."
            )
            % figures
        )


class _Rollback(Exception):
    pass


def _open(file, filename=""):
    """A binary file object and a file name, from a path, a Django File or a file object."""
    if isinstance(file, str | Path):
        return open(file, "rb"), filename or str(file)  # noqa: SIM115 - closed by the caller
    name = filename or getattr(file, "name", "") or ""
    if isinstance(file, File) and file.closed:
        file.open("rb")
    return file, name


def observations_import(
    *,
    unit,
    file,
    wave: Wave | None = None,
    actor=None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    filename: str = "",
    progress=None,
) -> ImportResult:
    """Import a data file (wide or long) into the unit. All or nothing.

    Reads and checks the file as it streams it; values are written as they
    come, inside one transaction that is rolled back if any problem turns up
    (or for a ``dry_run``, the preview). Existing values for a respondent x
    measure x wave are replaced, the old value kept in ``ObservationChange``.
    An empty cell is a missing value: it writes nothing (and leaves an
    existing value alone). ``progress`` is called now and then with the part of
    the file read (0.0-1.0).
    """
    waves = waves_ensure_defaults(unit=unit)
    measures = list(Measure.objects.filter(unit=unit))
    problems = Problems()
    summary = ReadSummary()
    result = ImportResult(problems=problems, summary=summary, dry_run=dry_run)
    opened, filename = _open(file, filename)
    records = read_data(
        opened,
        filename=filename,
        measures=measures,
        waves=waves,
        wave=wave,
        problems=problems,
        summary=summary,
        progress=progress,
    )
    writer = _PostgresWriter if connection.vendor == "postgresql" else _GenericWriter
    try:
        with transaction.atomic():
            if not dry_run and batch is None:
                batch = ImportBatch.objects.create(
                    unit=unit,
                    uploaded_by=actor,
                    original_filename=Path(filename).name[:255],
                    wave=wave,
                )
            writer(unit=unit, batch=batch, result=result, measures=measures, waves=waves).run(
                records
            )
            if problems or dry_run:
                raise _Rollback
            batch.shape = summary.shape
            batch.rows = summary.rows
            batch.values_created = result.created
            batch.values_updated = result.updated
            batch.status = ImportBatch.Status.CONFIRMED
            batch.confirmed_at = timezone.now()
            batch.save()
            result.batch = batch
    except _Rollback:
        pass
    finally:
        if opened is not file:
            opened.close()
    return result


class _GenericWriter:
    """Chunks of values: look up the existing ones, bulk upsert, bulk history."""

    def __init__(self, *, unit, batch, result, measures, waves):
        self.unit = unit
        self.batch = batch
        self.result = result
        self.measure_code = {m.pk: m.code for m in measures}
        self.wave_code = {w.pk: w.code for w in waves}

    def run(self, records):
        while True:
            chunk = list(itertools.islice(records, WRITE_CHUNK))
            if not chunk:
                break
            if not self.result.problems:
                self.write(chunk)

    def write(self, chunk):
        respondents = {r.respondent for r in chunk}
        existing = {
            (o.measure_id, o.wave_id, o.respondent): o
            for o in Observation.objects.filter(
                unit=self.unit,
                respondent__in=respondents,
                wave_id__in={r.wave_id for r in chunk},
                measure_id__in={r.measure_id for r in chunk},
            ).only("id", "measure_id", "wave_id", "respondent", "value_numeric", "value_text")
        }
        upserts, history = [], []
        for r in chunk:
            old = existing.get((r.measure_id, r.wave_id, r.respondent))
            if old is None:
                self.result.created += 1
            elif old.value_numeric == r.value_numeric and old.value_text == r.value_text:
                self.result.unchanged += 1
                continue
            else:
                self.result.updated += 1
                self._sample(r, old.value_numeric, old.value_text)
                history.append(
                    ObservationChange(
                        unit=self.unit,
                        observation_id=old.pk,
                        measure_id=r.measure_id,
                        wave_id=r.wave_id,
                        respondent=r.respondent,
                        old_numeric=old.value_numeric,
                        old_text=old.value_text,
                        new_numeric=r.value_numeric,
                        new_text=r.value_text,
                        batch=self.batch,
                    )
                )
            upserts.append(
                Observation(
                    unit=self.unit,
                    measure_id=r.measure_id,
                    wave_id=r.wave_id,
                    respondent=r.respondent,
                    value_numeric=r.value_numeric,
                    value_text=r.value_text,
                    batch=self.batch,
                    updated_at=timezone.now(),
                )
            )
        if self.result.dry_run:
            return
        if upserts:
            Observation.objects.bulk_create(
                upserts,
                update_conflicts=True,
                unique_fields=["measure", "wave", "respondent"],
                update_fields=["value_numeric", "value_text", "batch", "updated_at"],
            )
        if history:
            ObservationChange.objects.bulk_create(history)

    def _sample(self, r, old_numeric, old_text):
        if len(self.result.changes) < SAMPLE_CHANGES:
            self.result.changes.append(
                {
                    "line": r.line,
                    "respondent": r.respondent,
                    "wave": self.wave_code.get(r.wave_id, ""),
                    "measure": self.measure_code.get(r.measure_id, ""),
                    "old": old_text if old_numeric is None else old_numeric,
                    "new": r.value_text if r.value_numeric is None else r.value_numeric,
                }
            )


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _CopySource:
    """A file-like object that COPY reads from: the records, in COPY's text format, lazily."""

    def __init__(self, records, problems):
        self.records = records
        self.problems = problems
        self.buffer = ""

    def _line(self, r):
        number = "\\N" if r.value_numeric is None else repr(r.value_numeric)
        text = _copy_escape(r.value_text)
        return f"{r.line}\t{r.respondent}\t{r.wave_id}\t{r.measure_id}\t{number}\t{text}\n"

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        parts = [self.buffer]
        length = len(self.buffer)
        for r in self.records:
            if self.problems:
                continue  # keep reading for the problems, stop feeding COPY
            line = self._line(r)
            parts.append(line)
            length += len(line)
            if length >= size:
                break
        data = "".join(parts)
        self.buffer = data[size:]
        return data[:size]

    readline = read


class _PostgresWriter:
    """COPY into a temporary table as the file streams, then one INSERT ... ON CONFLICT.

    The SQL is built from our own table names only (S608 below); values go as parameters
    or through COPY.
    """

    TMP = "research_import_tmp"

    def __init__(self, *, unit, batch, result, measures, waves):
        self.unit = unit
        self.batch = batch
        self.result = result
        self.measure_code = {m.pk: m.code for m in measures}
        self.wave_code = {w.pk: w.code for w in waves}

    def run(self, records):
        obs = Observation._meta.db_table
        hist = ObservationChange._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_LOCK, self.unit.pk])
            cursor.execute(f"DROP TABLE IF EXISTS {self.TMP}")
            cursor.execute(
                f"CREATE TEMP TABLE {self.TMP} (line integer, respondent varchar(64), "
                "wave_id bigint, measure_id bigint, value_numeric double precision, "
                "value_text text)"
            )
            cursor.cursor.copy_expert(
                f"COPY {self.TMP} (line, respondent, wave_id, measure_id, value_numeric, "
                "value_text) FROM STDIN",
                _CopySource(records, self.result.problems),
                size=65536,
            )
            for _record in records:  # drain (only left if COPY stopped early)
                pass
            if self.result.problems:
                return
            cursor.execute(f"ANALYZE {self.TMP}")
            join = (
                f"FROM {self.TMP} t JOIN {obs} o ON o.measure_id = t.measure_id "
                "AND o.wave_id = t.wave_id AND o.respondent = t.respondent"
            )
            differs = (
                "(o.value_numeric IS DISTINCT FROM t.value_numeric "
                "OR o.value_text IS DISTINCT FROM t.value_text)"
            )
            cursor.execute(
                f"SELECT t.line, t.respondent, t.wave_id, t.measure_id, o.value_numeric, "
                f"o.value_text, t.value_numeric, t.value_text {join} WHERE {differs} "
                f"ORDER BY t.line LIMIT {SAMPLE_CHANGES}"
            )
            for line, resp, wave_id, measure_id, on, ot, nn, nt in cursor.fetchall():
                self.result.changes.append(
                    {
                        "line": line,
                        "respondent": resp,
                        "wave": self.wave_code.get(wave_id, ""),
                        "measure": self.measure_code.get(measure_id, ""),
                        "old": ot if on is None else on,
                        "new": nt if nn is None else nn,
                    }
                )
            cursor.execute(f"SELECT count(*) FROM {self.TMP}")  # noqa: S608
            total = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {differs}) {join}")
            matched, differing = cursor.fetchone()
            self.result.created = total - matched
            self.result.updated = differing
            self.result.unchanged = matched - differing
            if not self.result.dry_run:
                self._write(cursor, obs, hist, join, differs, matched, differing)
            cursor.execute(f"DROP TABLE IF EXISTS {self.TMP}")

    def _write(self, cursor, obs, hist, join, differs, matched, differing):
        # Separate UPDATE and INSERT (no ON CONFLICT) are much faster for 100,000 rows;
        # imports into one unit are serialised by the advisory lock taken in run().
        now = timezone.now()
        params = [self.unit.pk, self.batch.pk, now]
        if differing:
            cursor.execute(
                f"INSERT INTO {hist} (unit_id, observation_id, measure_id, wave_id, "
                "respondent, old_numeric, old_text, new_numeric, new_text, batch_id, changed_at) "
                "SELECT %s, o.id, t.measure_id, t.wave_id, t.respondent, o.value_numeric, "
                f"o.value_text, t.value_numeric, t.value_text, %s, %s {join} WHERE {differs}",
                params,
            )
            cursor.execute(
                f"UPDATE {obs} o SET value_numeric = t.value_numeric, value_text = t.value_text, "  # noqa: S608
                f"batch_id = %s, updated_at = %s FROM {self.TMP} t "
                "WHERE o.measure_id = t.measure_id AND o.wave_id = t.wave_id "
                f"AND o.respondent = t.respondent AND {differs}",
                [self.batch.pk, now],
            )
        insert = (
            f"INSERT INTO {obs} (unit_id, measure_id, wave_id, respondent, value_numeric, "  # noqa: S608
            "value_text, batch_id, updated_at) SELECT %s, t.measure_id, t.wave_id, "
            f"t.respondent, t.value_numeric, t.value_text, %s, %s FROM {self.TMP} t"
        )
        if matched:
            insert += (
                f" WHERE NOT EXISTS (SELECT 1 FROM {obs} o WHERE o.measure_id = t.measure_id "  # noqa: S608
                "AND o.wave_id = t.wave_id AND o.respondent = t.respondent)"
            )
        cursor.execute(insert, params)


# --- Import batches: upload, check (preview), confirm, import - in the background ---
#
# The page stores the file and a queued batch, and sends a task when the transaction
# commits; a worker checks the file (a dry run) and stores what it would change, or
# its problems. Confirming queues the import the same way. A long file therefore
# never holds a web request (nor hits its timeout). Without a broker (make run,
# tests) the task runs in-process when the request commits. The status page asks
# every two seconds; the progress is in the cache (it is only a hint).

IMPORT_MAX_ATTEMPTS = 3
IMPORT_RESEND_AFTER = timedelta(minutes=5)
PROGRESS_TIMEOUT = 60 * 60

try:  # pragma: no branch
    from kombu.exceptions import OperationalError as KombuOperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError

    # "The broker is not there": the batch stays queued and the periodic resend tries again.
    BROKER_ERRORS: tuple = (KombuOperationalError, RedisConnectionError, OSError)
except ImportError:  # pragma: no cover
    BROKER_ERRORS = (OSError,)


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
def import_batch_upload(*, unit, upload, wave=None, actor) -> ImportBatch:
    """Store an uploaded data file as a queued batch; its check is sent on commit."""
    _forget_stale_previews(unit=unit)
    batch = ImportBatch(
        unit=unit,
        uploaded_by=actor,
        original_filename=Path(upload.name).name[:255],
        wave=wave,
        status=ImportBatch.Status.QUEUED,
    )
    upload.seek(0)
    batch.file.save(upload.name, upload, save=False)
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
        status=ImportBatch.Status.ACCEPTED, attempts=0, error="", started_at=None
    )
    transaction.on_commit(partial(import_batch_send, batch_id=batch.pk))
    batch.status = ImportBatch.Status.ACCEPTED
    return batch


def import_batch_send(*, batch_id: int) -> bool:
    """Hand a waiting batch to the broker. If the broker is down, it stays waiting."""
    from .tasks import process_import_task

    ImportBatch.objects.filter(
        pk=batch_id, status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.ACCEPTED)
    ).update(sent_at=timezone.now())
    try:
        process_import_task.apply_async(args=[batch_id], retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("Import %s stays queued: the broker did not take it (%s)", batch_id, exc)
        return False
    except Exception:
        # Whatever else went wrong while sending: the batch is stored, and the periodic
        # resend tries again. Never fail the page that uploaded or confirmed it.
        logger.exception("Import %s stays queued: sending its task failed", batch_id)
        return False
    return True


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
            .select_related("unit", "wave", "uploaded_by")
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
    try:
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
        finished_at=timezone.now(),
    )


def _import(batch: ImportBatch) -> None:
    result = observations_import(
        unit=batch.unit,
        file=batch.file,
        wave=batch.wave,
        actor=batch.uploaded_by,
        batch=batch,
        filename=batch.original_filename,
        progress=_progress_setter(batch.pk, 0, 90),
    )
    if not result.ok:
        # The codebook or the waves changed since the preview: nothing was written.
        _fail(batch, problems=result.problems)
        return
    ImportBatch.objects.filter(pk=batch.pk).update(
        values_unchanged=result.unchanged, finished_at=timezone.now()
    )


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
