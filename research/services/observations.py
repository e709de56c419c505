"""Writes of data values: a data file (wide or long) imported into a unit, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from ..importing.data import DataFileReader, ReadSummary
from ..importing.problems import Problems
from ..importing.writing import writer_class
from ..models import ImportBatch, Measure, Observation, Wave
from ._common import open_file
from .data_version import data_version_bump
from .waves import waves_ensure_defaults


@dataclass
class ImportResult:
    """What an import did (or, for a preview, would do)."""

    problems: Problems
    summary: ReadSummary = field(default_factory=ReadSummary)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Replaced values (up to research.importing.writing.SAMPLE_CHANGES), for the preview:
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
                ngettext(
                    "%(rows)s row read: would add %(created)s values, replace %(updated)s, "
                    "%(unchanged)s unchanged.",
                    "%(rows)s rows read: would add %(created)s values, replace %(updated)s, "
                    "%(unchanged)s unchanged.",
                    self.summary.rows,
                )
                % figures
            )
        return (
            ngettext(
                "%(rows)s row read: added %(created)s values, replaced %(updated)s, "
                "%(unchanged)s unchanged.",
                "%(rows)s rows read: added %(created)s values, replaced %(updated)s, "
                "%(unchanged)s unchanged.",
                self.summary.rows,
            )
            % figures
        )


class _Rollback(Exception):
    pass


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
    sheet: str = "",
    on_written=None,
) -> ImportResult:
    """Import a data file (wide or long) into the unit. All or nothing.

    Reads and checks the file as it streams it; values are written as they
    come, inside one transaction that is rolled back if any problem turns up
    (or for a ``dry_run``, the preview). Existing values for a respondent x
    measure x wave are replaced, the old value kept in ``ObservationChange``.
    An empty cell is a missing value: it writes nothing (and leaves an
    existing value alone). ``progress`` is called now and then with the part of
    the file read (0.0-1.0). ``sheet`` names the sheet of a workbook (default the
    first). A respondent code already stored in other capitals is the same respondent.
    ``on_written(batch)`` is called once the values are written, in their transaction
    (the worker logs them there: research.services.import_batches).
    """
    waves = waves_ensure_defaults(unit=unit)
    measures = list(Measure.objects.filter(unit=unit))
    respondents = (
        Observation.objects.filter(unit=unit).values_list("respondent", flat=True).distinct()
    )
    reader = DataFileReader(
        measures=measures, waves=waves, wave=wave, respondents=respondents, sheet=sheet
    )
    problems, summary = reader.problems, reader.summary
    result = ImportResult(problems=problems, summary=summary, dry_run=dry_run)
    opened, filename = open_file(file, filename)
    records = reader.read(opened, filename=filename, progress=progress)
    writer = writer_class()
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
            data_version_bump(unit=unit)
            batch.shape = summary.shape
            batch.rows = summary.rows
            batch.values_created = result.created
            batch.values_updated = result.updated
            batch.status = ImportBatch.Status.CONFIRMED
            batch.confirmed_at = timezone.now()
            batch.save()
            if on_written is not None:
                on_written(batch)
            result.batch = batch
    except _Rollback:
        pass
    finally:
        if opened is not file:
            opened.close()
    return result
