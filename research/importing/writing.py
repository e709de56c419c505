"""Writing checked values in bulk, inside the import's transaction.

Two writers with one interface (``run(records)``): chunks of bulk upserts for any
database, and COPY into a temporary table for PostgreSQL (much faster for
100,000 rows). Both count what was added, replaced and unchanged in the
``ImportResult`` and keep a sample of the replaced values for the preview.
"""

from __future__ import annotations

import itertools

from django.db import connection
from django.utils import timezone

from ..models import Observation, ObservationChange

WRITE_CHUNK = 2000
SAMPLE_CHANGES = 50
IMPORT_LOCK = 5005  # pg_advisory_xact_lock(IMPORT_LOCK, unit id): one import per unit at a time


def writer_class():
    """The writer for the database in use."""
    return PostgresWriter if connection.vendor == "postgresql" else GenericWriter


class GenericWriter:
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


class PostgresWriter:
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
