"""The learning monitor's run chart in the intermediary and final reports: a small
section of its own. The snapshot keeps the numbers (months, phase changes, sessions,
reports, rule flags); the chart and the flags' words are made when the report is
rendered, in the report's language, by the monitor's own code (phases.monitor)."""

from datetime import date, datetime
from types import SimpleNamespace

from phases.monitor import ReportMark, UnitSignals, unit_signals
from phases.monitor_chart import run_chart_svg
from phases.run_chart import MonthPoint, RunFlag


def monitor_part(unit) -> dict:
    s = unit_signals([unit])[unit.pk]
    return {
        "months": [
            {
                "month": p.month.isoformat(),
                "attendance": p.attendance,
                "experiments_per_member": p.experiments_per_member,
                "sessions": p.sessions,
                "logged": p.logged,
                "shared": p.shared,
            }
            for p in s.months
        ],
        "transitions": [{"at": t.at.isoformat(), "to": t.to_phase} for t in s.transitions],
        "sessions": [d.isoformat() for d in s.sessions],
        "reports": [
            {"kind": r.kind, "label": r.label, "state": r.state, "at": r.at.isoformat()}
            for r in s.reports
        ],
        "flags": [
            {
                "series": f.series,
                "rule": f.rule,
                "direction": f.direction,
                "length": f.length,
                "start": f.start.isoformat(),
                "end": f.end.isoformat(),
                "is_warning": f.is_warning,
            }
            for f in s.run_flags
        ],
    }


def monitor_view(data: dict | None, unit_name: str) -> dict | None:
    """The chart (SVG markup) and the flags in words, or None for an older snapshot."""
    if not data or not data["months"]:
        return None
    flags = [
        RunFlag(
            **{
                **f,
                "start": date.fromisoformat(f["start"]),
                "end": date.fromisoformat(f["end"]),
            }
        )
        for f in data["flags"]
    ]
    signals = UnitSignals(
        unit=SimpleNamespace(name=unit_name),
        months=[
            MonthPoint(
                month=date.fromisoformat(p["month"]),
                attendance=p["attendance"],
                experiments_per_member=p["experiments_per_member"],
                sessions=p["sessions"],
                logged=p["logged"],
                shared=p["shared"],
            )
            for p in data["months"]
        ],
        transitions=[
            SimpleNamespace(at=datetime.fromisoformat(t["at"]), to_phase=t["to"])
            for t in data["transitions"]
        ],
        sessions=[date.fromisoformat(d) for d in data["sessions"]],
        reports=[
            ReportMark(
                kind=r["kind"], label=r["label"], state=r["state"], at=date.fromisoformat(r["at"])
            )
            for r in data["reports"]
        ],
        run_flags=flags,
    )
    return {"chart": run_chart_svg(signals), "flags": flags}
