"""The run chart of a unit's learning signals, as SVG markup (no JavaScript, no library).

Two panels over the unit's whole life, month by month: attendance (share present)
and experiments logged per member. Each has its median as a dashed line; the
points of a shift or trend (``phases.run_chart.run_chart_flags``) are drawn larger
and in the warning colour. Phase transitions are vertical lines labelled with the
phase entered, sessions are ticks on the time axis, reports are diamonds on it.
Like ``research.charts`` it uses presentation attributes only (the Content
Security Policy forbids inline styles), scales with its container and carries a
title and a description for screen readers; the page puts the figures in a table.
"""

from __future__ import annotations

import statistics
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from research.charts import text_width

from .monitor import UnitSignals

WIDTH = 720
LEFT, RIGHT, TOP = 48, 16, 40
PANEL_H, GAP, AXIS_H = 120, 34, 58
INK = "#212529"
MUTED = "#6c757d"
BRAND = "#1d4e5f"
WARN = "#b35c00"
PHASE = "#6f42c1"
GRID = "#dee2e6"
AXIS_FONT, LABEL_GAP = 10, 8
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _f(x: float) -> str:
    return f"{x:.1f}"


def _pct(v: float) -> str:
    return f"{round(v * 100)}%"


def run_chart_svg(signals: UnitSignals) -> SafeString:
    months = signals.months
    n = max(len(months), 1)
    height = TOP + 2 * PANEL_H + GAP + AXIS_H
    plot_w = WIDTH - LEFT - RIGHT
    first = months[0].month if months else timezone.localdate().replace(day=1)

    def x_of_month(i: float) -> float:
        return LEFT + plot_w * (i + 0.5) / n

    def x_of_day(d: date) -> float:
        i = (d.year - first.year) * 12 + d.month - first.month
        return LEFT + plot_w * (i + (d.day - 1) / 31) / n

    flagged = {
        (flag.series, m)
        for flag in signals.run_flags
        for m in (p.month for p in months)
        if flag.start <= m <= flag.end
    }
    title = gettext("Run chart of %(unit)s: attendance and experiments per member, by month") % {
        "unit": signals.unit.name
    }
    desc = "; ".join(f.text for f in signals.run_flags) or gettext(
        "No shift or trend found by the run-chart rules."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" class="run-chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]

    panels = [
        ("attendance", gettext("Attendance"), "attendance", 1.0, _pct, TOP),
        (
            "experiments",
            gettext("Experiments per member"),
            "experiments_per_member",
            max([1.0] + [p.experiments_per_member or 0 for p in months]),
            lambda v: number_format(v, 1),
            TOP + PANEL_H + GAP,
        ),
    ]
    for series, label, attr, y_max, fmt, top in panels:
        bottom = top + PANEL_H

        def y_of(v, top=top, y_max=y_max):
            return top + PANEL_H * (1 - v / y_max)

        parts.append(
            f'<text x="{LEFT}" y="{top - 7}" font-size="12" font-weight="600" fill="{INK}" '
            f"{FONT}>{escape(label)}</text>"
        )
        for tick in (0, y_max / 2, y_max):
            y = _f(y_of(tick))
            parts.append(
                f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}"/>'
            )
            parts.append(
                f'<text x="{LEFT - 5}" y="{y}" text-anchor="end" dominant-baseline="middle" '
                f'font-size="10" fill="{INK}" {FONT}>{escape(fmt(tick))}</text>'
            )
        points = [(i, getattr(p, attr), p.month) for i, p in enumerate(months)]
        values = [v for _i, v, _m in points if v is not None]
        if values:
            median = statistics.median(values)
            median_label = gettext("median")
            y = _f(y_of(median))
            parts.append(
                f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{MUTED}" '
                f'stroke-dasharray="5 4"/>'
            )
            parts.append(
                f'<text x="{WIDTH - RIGHT}" y="{_f(y_of(median) - 4)}" text-anchor="end" '
                f'font-size="10" fill="{MUTED}" {FONT}>'
                f"{escape(median_label)} {escape(fmt(median))}</text>"
            )
        # The line breaks where a month has no value (no session, not yet experimenting).
        segment = []
        for i, v, _m in [*points, (None, None, None)]:
            if v is None:
                if len(segment) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{BRAND}" stroke-width="2" '
                        f'points="{" ".join(segment)}"/>'
                    )
                segment = []
                continue
            segment.append(f"{_f(x_of_month(i))},{_f(y_of(v))}")
        for i, v, month in points:
            if v is None:
                continue
            warn = (series, month) in flagged
            parts.append(
                f'<circle cx="{_f(x_of_month(i))}" cy="{_f(y_of(v))}" r="{4 if warn else 2.5}" '
                f'fill="{WARN if warn else BRAND}"/>'
            )
        parts.append(
            f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{INK}"/>'
        )

    axis = TOP + 2 * PANEL_H + GAP
    # Phase transitions across both panels.
    for t in signals.transitions:
        x = _f(x_of_day(t.at.date()))
        # Translators: a phase on the run chart's time axis, e.g. P5 for phase 5.
        phase_label = gettext("P%(n)d") % {"n": t.to_phase}
        parts.append(
            f'<line x1="{x}" y1="{TOP - 22}" x2="{x}" y2="{axis}" stroke="{PHASE}" '
            f'stroke-dasharray="2 3"/>'
        )
        parts.append(
            f'<text x="{x}" y="{TOP - 26}" text-anchor="middle" font-size="10" fill="{PHASE}" '
            f"{FONT}>{escape(phase_label)}</text>"
        )
    for day in signals.sessions:
        x = _f(x_of_day(day))
        parts.append(f'<line x1="{x}" y1="{axis}" x2="{x}" y2="{axis + 6}" stroke="{INK}"/>')
    for mark in signals.reports:
        x = x_of_day(mark.at)
        y = axis + 12
        parts.append(
            f'<path d="M{_f(x)} {y - 5} L{_f(x + 5)} {y} L{_f(x)} {y + 5} L{_f(x - 5)} {y} Z" '
            f'fill="{WARN}"><title>{escape(mark.label)}</title></path>'
        )
    # Month labels: every month, or every second, third... so that no two touch
    # ("September 2026" is wider than a month of a ten-month chart).
    labels = [date_format(p.month, "YEAR_MONTH_FORMAT") for p in months]
    widest = max((text_width(label, AXIS_FONT) for label in labels), default=0)
    every = next((k for k in (1, 2, 3, 4, 6, 12) if plot_w / n * k >= widest + LABEL_GAP), 24)
    for i, label in enumerate(labels):
        if i % every:
            continue
        parts.append(
            f'<text x="{_f(x_of_month(i))}" y="{axis + 32}" text-anchor="middle" '
            f'font-size="{AXIS_FONT}" fill="{INK}" {FONT}>{escape(label)}</text>'
        )
    legend = gettext("| session   ◆ report   P5 phase entered   - - median   ● shift or trend")
    parts.append(
        f'<text x="{LEFT}" y="{axis + 50}" font-size="10" fill="{MUTED}" {FONT}>'
        f"{escape(legend)}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def sparkline_svg(signals: UnitSignals, series: str) -> SafeString:
    """A small multiple: one series of one unit over its life, same scale for every unit
    (attendance 0-100%, experiments 0-2 per member per month, higher values clipped)."""
    attr, y_max = {
        "attendance": ("attendance", 1.0),
        "experiments": ("experiments_per_member", 2.0),
    }[series]
    w, h, pad = 160, 36, 3
    months = signals.months
    n = max(len(months), 1)
    values = [getattr(p, attr) for p in months]
    known = [v for v in values if v is not None]
    if series == "attendance":
        what = gettext("Attendance by month")
        said = "; ".join(_pct(v) for v in known[-6:])
    else:
        what = gettext("Experiments per member by month")
        said = "; ".join(number_format(v, 1) for v in known[-6:])
    label = f"{what}: {said}" if said else f"{what}: " + gettext("no data yet")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(label)}" class="sparkline">',
        f"<title>{escape(label)}</title>",
        f'<line x1="0" y1="{h - pad}" x2="{w}" y2="{h - pad}" stroke="{GRID}"/>',
    ]
    segment = []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(segment) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{BRAND}" stroke-width="1.5" '
                    f'points="{" ".join(segment)}"/>'
                )
            elif segment:
                x, y = segment[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="1.5" fill="{BRAND}"/>')
            segment = []
            continue
        x = pad + (w - 2 * pad) * (i + 0.5) / n
        y = h - pad - (h - 2 * pad) * min(v, y_max) / y_max
        segment.append(f"{_f(x)},{_f(y)}")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
