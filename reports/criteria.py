"""Phase exit criteria that need a finished report, registered with the phases registry."""

from django.utils.translation import gettext_lazy as _

from units.choices import Phase

from .models import Kind, Report, Status

CRITERIA = (
    (Phase.BASELINE, "baseline_report", Kind.BASELINE, _("A baseline report has been made")),
    (
        Phase.REALIZATION,
        "intermediary_report",
        Kind.INTERMEDIARY,
        _("An intermediary report has been made"),
    ),
    (Phase.OUTCOMES, "final_report", Kind.FINAL, _("A final report has been made")),
)


def report_exists(unit, kind: str) -> bool:
    return Report.objects.filter(unit=unit, kind=kind, status=Status.DONE).exists()


def _check_for(kind: str):
    def check(unit):
        return report_exists(unit, kind)

    check.__name__ = f"{kind}_report_exists"
    return check


def register() -> None:
    from phases.criteria import register_criterion

    for phase, code, kind, label in CRITERIA:
        register_criterion(phase=phase, code=code, label=label, check=_check_for(kind), order=50)
