"""Run-chart rules (Institute for Healthcare Improvement) over a unit's months: the
monthly points of the learning monitor (``phases.monitor``) and the shifts and trends
in them, in words."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Run-chart rules (Institute for Healthcare Improvement): a shift is SHIFT_POINTS or
# more consecutive points on one side of the median, a trend TREND_POINTS or more
# consecutively rising or falling. With fewer than MIN_RUN_POINTS points the rules
# say little, so they are not applied.
SHIFT_POINTS = 6
TREND_POINTS = 5
MIN_RUN_POINTS = 10


@dataclass
class MonthPoint:
    month: date  # first day
    attendance: float | None = None  # share present, sessions of the month with attendance
    experiments_per_member: float | None = None
    logged: int = 0
    shared: int = 0
    closed_cycles: int = 0
    responses: int = 0
    sessions: int = 0
    members: int = 0


@dataclass
class RunFlag:
    series: str  # "attendance" / "experiments"
    rule: str  # "shift" / "trend"
    direction: str  # "up" / "down" (above/below the median, rising/falling)
    length: int
    start: date
    end: date
    is_warning: bool

    @property
    def text(self) -> str:
        what = _("attendance") if self.series == "attendance" else _("experiments per member")
        span = {
            "what": what,
            "n": self.length,
            "start": _month(self.start),
            "end": _month(self.end),
        }
        if self.rule == "shift":
            if self.direction == "up":
                return (
                    _(
                        "Shift: %(what)s above its median for %(n)d months in a row "
                        "(%(start)s to %(end)s)."
                    )
                    % span
                )
            return (
                _(
                    "Shift: %(what)s below its median for %(n)d months in a row "
                    "(%(start)s to %(end)s)."
                )
                % span
            )
        if self.direction == "up":
            return _("Trend: %(what)s rising %(n)d months in a row (%(start)s to %(end)s).") % span
        return _("Trend: %(what)s falling %(n)d months in a row (%(start)s to %(end)s).") % span


def _month(d: date) -> str:
    return date_format(d, "YEAR_MONTH_FORMAT")


def run_chart_flags(months: list[MonthPoint]) -> list[RunFlag]:
    """The shifts and trends of both series, in words (see the module's constants)."""
    flags = []
    for series, attr in (("attendance", "attendance"), ("experiments", "experiments_per_member")):
        points = [(p.month, getattr(p, attr)) for p in months if getattr(p, attr) is not None]
        flags.extend(_run_rules(series, points))
    return flags


def _run_rules(series: str, points: list[tuple[date, float]]) -> list[RunFlag]:
    if len(points) < MIN_RUN_POINTS:
        return []
    median = statistics.median(v for _d, v in points)
    flags = []
    # Shift: points on the median neither count nor break a run.
    run, side = [], 0
    for d, v in [*points, (None, None)]:
        this = 0 if v is None else (1 if v > median else -1 if v < median else None)
        if this is None:
            continue
        if this != side:
            if side and len(run) >= SHIFT_POINTS:
                up = side > 0
                flags.append(
                    RunFlag(
                        series, "shift", "up" if up else "down", len(run), run[0], run[-1], not up
                    )
                )
            run, side = [], this
        run.append(d)
    # Trend: equal neighbours neither count nor break a trend.
    run, direction, previous = [], 0, None
    for d, v in [*points, (None, None)]:
        if v is not None and previous is not None and v == previous[1]:
            # A new trend starts from the last of equal months, not the first.
            if not direction:
                run, previous = [d], (d, v)
            continue
        step = 0 if v is None or previous is None else (1 if v > previous[1] else -1)
        if step != direction or v is None:
            if direction and len(run) >= TREND_POINTS:
                up = direction > 0
                flags.append(
                    RunFlag(
                        series, "trend", "up" if up else "down", len(run), run[0], run[-1], not up
                    )
                )
            run = [previous[0]] if previous is not None and v is not None else []
            direction = step
        if v is not None:
            run.append(d)
            previous = (d, v)
    return flags
