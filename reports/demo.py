"""Demo reports: one per demo unit where its phase has one, rendered synchronously."""

from units.choices import Phase

from .models import Kind, Report, Status
from .services import narrative_save, report_render_now, report_request

INTRODUCTION = (
    "Deze rapportage beschrijft waar de Best Practice Unit staat: wie er meedoen, "
    "wat de groep heeft gedaan en wat de metingen tot nu toe laten zien."
)
METHOD = (
    "De onderzoekers maten bij de start (nulmeting) en halverwege (tussenmeting) met "
    "dezelfde vragenlijsten. Veranderingen zijn gepaard berekend: alleen respondenten "
    "met een waarde op beide momenten tellen mee."
)


def _kinds_for(phase: int) -> list[str]:
    kinds = []
    if phase >= Phase.BASELINE:
        kinds.append(Kind.BASELINE)
    if phase >= Phase.REALIZATION:
        kinds.append(Kind.INTERMEDIARY)
    return kinds


def seed(demo) -> None:
    researcher = demo.people.get("researcher@example.org")
    for slug, unit in demo.units.items():
        unit.refresh_from_db()
        phase = max(unit.phase, demo.target_phase.get(slug, unit.phase))
        for kind in _kinds_for(phase):
            if Report.objects.filter(unit=unit, kind=kind, status=Status.DONE).exists():
                continue
            narrative_save(
                unit=unit,
                kind=kind,
                actor=researcher,
                introduction=INTRODUCTION,
                method=METHOD,
            )
            report = report_request(
                unit=unit, kind=kind, language="nl", actor=researcher, send=False
            )
            report_render_now(report.pk)
            demo.log.append(f"report {slug} {kind}")
