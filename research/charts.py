"""SVG charts of a measure over the waves, as markup strings (no JavaScript, no library).

``measure_chart_svg(measure, waves)`` draws, for each wave, the mean with its
95% confidence interval (or +/- 1 SD) as error bar, or for a yes/no measure the
proportion of "yes" as a percentage. The same markup goes on the statistics
page and into the PDF reports. It uses presentation attributes (``fill=``,
``stroke=``) only, never ``style=``, because the Content Security Policy forbids
inline styles; it scales to the width of its container (``viewBox`` and
``width="100%"``) and carries a ``<title>``, ``role="img"`` and ``aria-label``
for screen readers.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .statistics import MIN_PAIRS, MeasureStatistics, WaveInfo
from .templatetags.research_format import num2, pct

WIDTH, HEIGHT = 360, 232
LEFT, RIGHT, TOP, BOTTOM = 46, 14, 16, 58
# With more waves than this the wave labels take two rows, so that they do not overlap.
ONE_ROW_OF_LABELS = 4
INK = "#212529"
BRAND = "#1d4e5f"
GRID = "#dee2e6"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'

ERROR_CI = "ci"
ERROR_SD = "sd"


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _axis_range(measure: MeasureStatistics, lows: list[float], highs: list[float]):
    """The y range: the measure's own scale when known, widened to fit the error bars."""
    if measure.is_yesno:
        return 0.0, 1.0
    low = measure.minimum if measure.minimum is not None else min(lows, default=0.0)
    high = measure.maximum if measure.maximum is not None else max(highs, default=1.0)
    low = min([low, *lows])
    high = max([high, *highs])
    if high <= low:
        high = low + 1.0
    return low, high


def measure_chart_svg(
    measure: MeasureStatistics, waves: list[WaveInfo], *, error: str = ERROR_CI
) -> SafeString:
    """An SVG chart of one measure over the waves: one point per wave that has data.

    ``error`` is ``"ci"`` (95% confidence interval of the mean, the default) or
    ``"sd"`` (mean +/- one standard deviation). Yes/no measures show the
    proportion of "yes" (0-100%) without error bars. Returns markup safe to put
    in a template (every text in it is escaped).
    """
    yesno = measure.is_yesno
    points = []  # (index, wave, value, low, high, n)
    for i, wave in enumerate(waves):
        s = measure.for_wave(wave.code)
        if s is None or not s.n:
            continue
        if yesno:
            value, low, high = s.proportion, None, None
        else:
            value = s.mean
            if error == ERROR_SD and s.sd is not None:
                low, high = s.mean - s.sd, s.mean + s.sd
            else:
                low, high = s.ci_low, s.ci_high
        if value is None:
            continue
        points.append((i, wave, value, low, high, s.n))

    lows = [p[3] if p[3] is not None else p[2] for p in points]
    highs = [p[4] if p[4] is not None else p[2] for p in points]
    y_min, y_max = _axis_range(measure, lows, highs)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_of(i: int) -> float:
        return LEFT + plot_w * (i + 0.5) / max(len(waves), 1)

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_min) / (y_max - y_min))

    if yesno:
        what = gettext("percentage yes")
    elif error == ERROR_SD:
        what = gettext("mean with standard deviation")
    else:
        what = gettext("mean with 95% confidence interval")
    title = f"{measure.label} ({measure.code}): {what}"
    summary = "; ".join(
        f"{wave.display_label}: {pct(value) if yesno else num2(value)} (n={n})"
        for _i, wave, value, _l, _h, n in points
    ) or gettext("No data yet.")

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" class="research-chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(summary)}</desc>",
    ]

    # Horizontal grid lines with their values.
    step = 0.25 if yesno else _nice_step(y_max - y_min)
    tick = math.ceil(y_min / step) * step
    while tick <= y_max + step * 1e-9:
        y = _fmt(y_of(tick))
        label = pct(tick, 0) if yesno else num2(tick, 0 if float(step).is_integer() else 1)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="11" fill="{INK}" {FONT}>{escape(label)}</text>'
        )
        tick += step

    # Axes.
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    staggered = len(waves) > ONE_ROW_OF_LABELS
    for i, wave in enumerate(waves):
        y = TOP + plot_h + 14 + (12 if staggered and i % 2 else 0)
        parts.append(
            f'<text x="{_fmt(x_of(i))}" y="{y}" text-anchor="middle" '
            f'font-size="{10 if staggered else 12}" fill="{INK}" {FONT}>'
            f"{escape(wave.display_label)}</text>"
        )

    # The line through the points, the error bars, then the points on top. A wave with
    # fewer than MIN_PAIRS values is drawn hollow and left off the line: one person's
    # answer is not a trend.
    solid = [p for p in points if p[5] >= MIN_PAIRS]
    if len(solid) > 1:
        coords = " ".join(f"{_fmt(x_of(i))},{_fmt(y_of(v))}" for i, _w, v, _l, _h, _n in solid)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{BRAND}" stroke-width="2"/>')
    for i, wave, value, low, high, n in points:
        x = _fmt(x_of(i))
        if low is not None and high is not None and high > low:
            y1, y2 = _fmt(y_of(low)), _fmt(y_of(high))
            parts.append(
                f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{BRAND}" stroke-width="1.5"/>'
            )
            for y in (y1, y2):
                parts.append(
                    f'<line x1="{_fmt(x_of(i) - 6)}" y1="{y}" x2="{_fmt(x_of(i) + 6)}" y2="{y}" '
                    f'stroke="{BRAND}" stroke-width="1.5"/>'
                )
        shown = pct(value) if yesno else num2(value)
        parts.append(
            f'<circle class="chart-point" cx="{x}" cy="{_fmt(y_of(value))}" r="4.5" '
            f'fill="{BRAND if n >= MIN_PAIRS else "#ffffff"}" stroke="{BRAND}" stroke-width="1.5">'
            f"<title>{escape(wave.display_label)}: {escape(shown)} (n={n})</title></circle>"
        )
        parts.append(
            f'<text x="{x}" y="{TOP + plot_h + (44 if staggered else 32)}" text-anchor="middle" '
            f'font-size="{10 if staggered else 11}" '
            f'fill="{INK}" {FONT}>{escape(shown)}</text>'
        )
    if not points:
        parts.append(
            f'<text x="{_fmt(LEFT + plot_w / 2)}" y="{_fmt(TOP + plot_h / 2)}" '
            f'text-anchor="middle" font-size="13" fill="{INK}" {FONT}>'
            f"{escape(gettext('No data yet.'))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
