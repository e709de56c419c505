"""Reads of research data, with their joins built in."""

from dataclasses import dataclass

from django.core.cache import cache

from .models import ImportBatch, Measure, Wave


def unit_waves(unit) -> list[Wave]:
    """The unit's waves in order, creating the three defaults on first access."""
    from .services import waves_ensure_defaults

    return waves_ensure_defaults(unit=unit)


def unit_measures(unit) -> list[Measure]:
    """The unit's codebook in order."""
    return list(Measure.objects.filter(unit=unit).order_by("order", "code"))


@dataclass
class BatchState:
    """What the import status page shows of a batch."""

    batch: ImportBatch
    progress: int
    problems: object  # research.importing.Problems
    summary_line: str


def import_batch_state(batch: ImportBatch) -> BatchState:
    """The batch with its progress (from the cache: only a hint), its problems and,
    once checked or imported, the one-line summary. No query."""
    from .importing import Problem, Problems, ReadSummary
    from .services import ImportResult, progress_key

    problems = Problems(
        items=[Problem(line, column, message) for line, column, message in batch.problems],
        total=batch.problems_total,
    )
    summary_line = ""
    if batch.status in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.CONFIRMED):
        summary_line = ImportResult(
            problems=Problems(),
            summary=ReadSummary(rows=batch.rows),
            created=batch.values_created,
            updated=batch.values_updated,
            unchanged=batch.values_unchanged,
            dry_run=batch.status == ImportBatch.Status.PREVIEWED,
        ).summary_line()
    progress = 0
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING):
        progress = cache.get(progress_key(batch.pk)) or 0
    return BatchState(batch=batch, progress=progress, problems=problems, summary_line=summary_line)
