"""The reports on the learning monitor's time axis (phases.monitor.register_report_marks)."""

from django.utils import timezone

from phases.monitor import ReportMark

from .models import UNIT_KINDS, Kind, Report, Status


def report_marks(unit_ids) -> dict[int, list]:
    """Per unit, the latest version of each kind of unit report with its state. One query."""
    latest = {}
    for report in (
        Report.objects.filter(unit_id__in=unit_ids, kind__in=UNIT_KINDS)
        .only("unit_id", "kind", "status", "version", "requested_at", "finished_at")
        .order_by("unit_id", "kind", "version")
    ):
        latest[(report.unit_id, report.kind)] = report
    marks: dict[int, list] = {}
    for (unit_id, kind), report in latest.items():
        marks.setdefault(unit_id, []).append(
            ReportMark(
                kind=kind,
                label=str(Kind(kind).label),
                state=str(Status(report.status).label),
                at=timezone.localtime(report.finished_at or report.requested_at).date(),
            )
        )
    return marks
