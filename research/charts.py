"""SVG charts of a measure over the waves, as markup strings (no JavaScript, no library).

``measure_chart_svg(measure, waves)`` draws, for each wave, the mean with its
95% confidence interval (or +/- 1 SD) as error bar, or for a yes/no measure the
proportion of "yes" as a percentage. The same markup goes on the statistics
page and into the PDF reports. It uses presentation attributes (``fill=``,
``stroke=``) only, never ``style=``, because the Content Security Policy forbids
inline styles; it scales to the width of its container (``viewBox`` and
``width="100%"``) and carries a ``<title>``, ``role="img"`` and ``aria-label``
for screen readers.

Legible at any number of waves: the chart grows wider with the waves (each has a
slot of at least ``MIN_SLOT``), a wave label wraps at spaces onto two lines and
is shortened with "…" only when one word is wider than its slot (the full label
stays in the chart's description). Widths are estimated with the metrics of
DejaVu Sans, the widest of the usual sans-serif fonts and the one the PDFs use,
so that ``text_width`` errs on the wide side on screen too.

The y axis is the measure's own scale, unless the data fill less than
``CUT_BELOW`` of it (hours in a week, 0-168, with answers between 20 and 40):
then it shows the range of the data and says so in words above the plot.
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .statistics import MIN_PAIRS, MeasureStatistics, WaveInfo
from .templatetags.research_format import num2, pct

MIN_WIDTH, PLOT_HEIGHT = 360, 158
RIGHT, TOP = 14, 16
MIN_SLOT = 90  # the narrowest slot a wave gets, in chart units
LABEL_SIZE, VALUE_SIZE, TICK_SIZE, NOTE_SIZE = 11, 11, 12, 11
LINE = 1.25  # line height, in font sizes
LABEL_LINES = 2
GAP = 4  # the least room between two texts
# Cut the y axis to the data when they fill less than this share of the scale.
CUT_BELOW = 0.25
INK = "#212529"
BRAND = "#1d4e5f"
GRID = "#dee2e6"
FONT = 'font-family="DejaVu Sans, system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'

ERROR_CI = "ci"
ERROR_SD = "sd"

# Advance widths of DejaVu Sans in thousandths of the font size, for " " to "~".
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER_WIDTHS = {"…": 1000, "–": 500, "—": 1000, "’": 318, "‘": 318, "€": 636, "≤": 838}
_WIDEST = 1000


def char_width(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII_WIDTHS[code - 32]
    if char.isalpha() and char.lower() != char.upper():  # accented letters: as wide as m/M
        return 989 if char.isupper() else 974
    return _OTHER_WIDTHS.get(char, _WIDEST)


def text_width(text: str, size: float) -> float:
    """The estimated width of ``text`` at font ``size`` (chart units)."""
    return sum(char_width(c) for c in text) * size / 1000


def _shorten(word: str, room: float, size: float) -> str:
    """``word`` cut with "…" so that it fits ``room`` (at least its first letter)."""
    if text_width(word, size) <= room:
        return word
    for end in range(len(word) - 1, 0, -1):
        candidate = word[:end] + "…"
        if text_width(candidate, size) <= room:
            return candidate
    return word[:1] + "…"


def wrap_label(text: str, room: float, size: float, lines: int = LABEL_LINES) -> list[str]:
    """``text`` wrapped at spaces into at most ``lines`` lines that each fit ``room``;
    a word wider than ``room`` and what does not fit on the last line end in "…"."""
    words = text.split()
    if not words:
        return [""]
    rows: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= room:
            current = candidate
            continue
        if current:
            rows.append(current)
        if len(rows) == lines - 1:  # the last line: the rest, shortened
            rest = " ".join(words[i:])
            rows.append(_shorten(rest, room, size))
            return rows
        current = _shorten(word, room, size)
    rows.append(current)
    return rows


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
    """The y range and whether it is cut from the measure's scale: the scale when
    known and the data fill enough of it, else the data's range on round numbers."""
    if measure.is_yesno:
        return 0.0, 1.0, False
    data_low, data_high = min(lows, default=0.0), max(highs, default=1.0)
    low = measure.minimum if measure.minimum is not None else data_low
    high = measure.maximum if measure.maximum is not None else data_high
    low, high = min(low, data_low), max(high, data_high)
    if high <= low:
        return low, low + 1.0, False
    scale_known = measure.minimum is not None and measure.maximum is not None
    if not scale_known or measure.is_likert or (data_high - data_low) >= CUT_BELOW * (high - low):
        return low, high, False
    padding = max((data_high - data_low) * 0.15, (high - low) * 0.02)
    step = _nice_step(data_high - data_low + 2 * padding)
    cut_low = max(low, math.floor((data_low - padding) / step) * step)
    cut_high = min(high, math.ceil((data_high + padding) / step) * step)
    if cut_high <= cut_low:
        return low, high, False
    return cut_low, cut_high, True


def _number(value: float, step: float) -> str:
    return num2(value, 0 if float(step).is_integer() else 1)


def measure_chart_svg(
    measure: MeasureStatistics, waves: list[WaveInfo], *, error: str = ERROR_CI
) -> SafeString:
    """An SVG chart of one measure over the waves: one point per wave that has data.

    ``error`` is ``"ci"`` (95% confidence interval of the mean, the default) or
    ``"sd"`` (mean +/- one standard deviation). Yes/no measures show the
    proportion of "yes" (0-100%) without error bars. Returns markup safe to put
    in a template (every text in it is escaped). No two texts in it overlap.
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
    y_min, y_max, cut = _axis_range(measure, lows, highs)

    # The ticks first: the widest tick label sets the left margin.
    if yesno:
        step = 0.25
    elif measure.is_likert and y_max - y_min <= 10:
        step = 1.0  # every point of the scale, 1 to 7 as well as 1 to 5
    else:
        step = _nice_step(y_max - y_min)
    ticks = []
    tick = math.ceil(y_min / step - 1e-9) * step
    while tick <= y_max + step * 1e-9:
        ticks.append((tick, pct(tick, 0) if yesno else _number(tick, step)))
        tick += step
    left = max(46, math.ceil(max((text_width(t, TICK_SIZE) for _v, t in ticks), default=0)) + 12)

    n_slots = max(len(waves), 1)
    width = max(MIN_WIDTH, left + RIGHT + n_slots * MIN_SLOT)
    plot_w = width - left - RIGHT
    slot = plot_w / n_slots
    room = slot - GAP
    labels = [wrap_label(w.display_label, room, LABEL_SIZE) for w in waves]
    label_lines = max((len(rows) for rows in labels), default=1)

    note = ""
    if cut:
        note = gettext("Scale %(low)s to %(high)s; the axis shows %(start)s to %(end)s.") % {
            "low": _number(measure.minimum, 1),
            "high": _number(measure.maximum, 1),
            "start": _number(y_min, step),
            "end": _number(y_max, step),
        }
    top = TOP + (NOTE_SIZE * LINE + GAP if note else 0)
    plot_h = PLOT_HEIGHT
    axis_y = top + plot_h
    values_y = axis_y + 6 + (label_lines + 1) * LABEL_SIZE * LINE
    height = math.ceil(values_y + VALUE_SIZE * 0.5)

    def x_of(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / (y_max - y_min))

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
    if note:
        summary = f"{note} {summary}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" class="research-chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(summary)}</desc>",
    ]
    if note:
        parts.append(
            f'<text x="{left}" y="{_fmt(TOP + NOTE_SIZE * 0.5)}" dominant-baseline="middle" '
            f'font-size="{NOTE_SIZE}" font-style="italic" fill="{INK}" {FONT}>'
            f"{escape(note)}</text>"
        )

    # Horizontal grid lines with their values.
    for value, label in ticks:
        y = _fmt(y_of(value))
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{width - RIGHT}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="{TICK_SIZE}" fill="{INK}" {FONT}>{escape(label)}</text>'
        )

    # Axes.
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{width - RIGHT}" y2="{axis_y}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for i, rows in enumerate(labels):
        for line, text in enumerate(rows):
            y = axis_y + 6 + (line + 0.5) * LABEL_SIZE * LINE
            parts.append(
                f'<text x="{_fmt(x_of(i))}" y="{_fmt(y)}" text-anchor="middle" '
                f'dominant-baseline="middle" font-size="{LABEL_SIZE}" fill="{INK}" {FONT}>'
                f"{escape(text)}</text>"
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
            y1, y2 = _fmt(y_of(max(low, y_min))), _fmt(y_of(min(high, y_max)))
            parts.append(
                f'<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{BRAND}" stroke-width="1.5"/>'
            )
            for bound, y in ((low, y1), (high, y2)):
                if y_min <= bound <= y_max:  # no cap where the bar runs off the axis
                    parts.append(
                        f'<line x1="{_fmt(x_of(i) - 6)}" y1="{y}" x2="{_fmt(x_of(i) + 6)}" '
                        f'y2="{y}" stroke="{BRAND}" stroke-width="1.5"/>'
                    )
        shown = pct(value) if yesno else num2(value)
        parts.append(
            f'<circle class="chart-point" cx="{x}" cy="{_fmt(y_of(value))}" r="4.5" '
            f'fill="{BRAND if n >= MIN_PAIRS else "#ffffff"}" stroke="{BRAND}" stroke-width="1.5">'
            f"<title>{escape(wave.display_label)}: {escape(shown)} (n={n})</title></circle>"
        )
        parts.append(
            f'<text x="{x}" y="{_fmt(values_y)}" text-anchor="middle" dominant-baseline="middle" '
            f'font-size="{VALUE_SIZE}" fill="{INK}" {FONT}>'
            f"{escape(_shorten(shown, room, VALUE_SIZE))}</text>"
        )
    if not points:
        parts.append(
            f'<text x="{_fmt(left + plot_w / 2)}" y="{_fmt(top + plot_h / 2)}" '
            f'text-anchor="middle" dominant-baseline="middle" font-size="13" fill="{INK}" '
            f"{FONT}>{escape(gettext('No data yet.'))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# Shades of the brand colour from light to dark, one per point of a Likert scale.
_LIGHT, _DARK = (0xE3, 0xEE, 0xF2), (0x1D, 0x4E, 0x5F)
BAR_HEIGHT, BAR_GAP, SWATCH = 20, 10, 10


def _shade(i: int, n: int) -> str:
    t = i / max(n - 1, 1)
    r, g, b = (round(lo + (hi - lo) * t) for lo, hi in zip(_LIGHT, _DARK, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def likert_distribution_svg(measure: MeasureStatistics, waves: list[WaveInfo]) -> SafeString | None:
    """A Likert item as the share of answers on each point of its scale, one bar per
    wave with answers: what a mean of 3.0 hides (all 3s, or half 1s and half 5s).
    None when the measure is not a Likert item with data. No two texts overlap."""
    if not measure.is_likert:
        return None
    rows = []
    for wave in waves:
        s = measure.for_wave(wave.code)
        if s is not None and s.n and s.distribution:
            rows.append((wave, s.distribution, s.distribution_total or s.n))
    if not rows:
        return None
    points = [value for value, _count in rows[0][1]]
    label_room = 96
    labels = [wrap_label(w.display_label, label_room, LABEL_SIZE) for w, _d, _n in rows]
    left = 8 + label_room + GAP
    width = MIN_WIDTH
    bar_w = width - left - RIGHT
    top = TOP
    legend_y = top + len(rows) * (BAR_HEIGHT + BAR_GAP) + LABEL_SIZE

    title = f"{measure.label} ({measure.code}): " + gettext("answers per point of the scale")
    summary = "; ".join(
        f"{wave.display_label}: "
        + ", ".join(f"{num2(v, 0)}: {pct(c / total, 0)}" for v, c in dist)
        + f" (n={total})"
        for wave, dist, total in rows
    )
    parts = []
    for row, ((_wave, dist, total), lines) in enumerate(zip(rows, labels, strict=True)):
        y = top + row * (BAR_HEIGHT + BAR_GAP)
        first = y + BAR_HEIGHT / 2 - (len(lines) - 1) * LABEL_SIZE * LINE / 2
        for line, text in enumerate(lines):
            parts.append(
                f'<text x="{left - GAP}" y="{_fmt(first + line * LABEL_SIZE * LINE)}" '
                f'text-anchor="end" dominant-baseline="middle" font-size="{LABEL_SIZE}" '
                f'fill="{INK}" {FONT}>{escape(text)}</text>'
            )
        x = float(left)
        for i, (_value, count) in enumerate(dist):
            seg = bar_w * count / total if total else 0
            if seg > 0:
                parts.append(
                    f'<rect x="{_fmt(x)}" y="{y}" width="{_fmt(seg)}" height="{BAR_HEIGHT}" '
                    f'fill="{_shade(i, len(points))}" stroke="#ffffff" stroke-width="0.5"/>'
                )
                share = pct(count / total, 0)
                if text_width(share, VALUE_SIZE) + GAP <= seg:
                    ink = "#ffffff" if i >= len(points) / 2 else INK
                    parts.append(
                        f'<text x="{_fmt(x + seg / 2)}" y="{_fmt(y + BAR_HEIGHT / 2)}" '
                        f'text-anchor="middle" dominant-baseline="middle" '
                        f'font-size="{VALUE_SIZE}" fill="{ink}" {FONT}>{escape(share)}</text>'
                    )
            x += seg
    # The legend: a swatch and the value of every point, in rows as wide as the bars.
    x, y = float(left), legend_y
    for i, value in enumerate(points):
        label = num2(value, 0)
        item = SWATCH + 3 + text_width(label, LABEL_SIZE) + 2 * GAP
        if x > left and x + item > width - RIGHT:
            x, y = float(left), y + LABEL_SIZE * LINE + 2
        parts.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{SWATCH}" height="{SWATCH}" '
            f'fill="{_shade(i, len(points))}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{_fmt(x + SWATCH + 3)}" y="{_fmt(y + SWATCH / 2)}" '
            f'dominant-baseline="middle" font-size="{LABEL_SIZE}" fill="{INK}" {FONT}>'
            f"{escape(label)}</text>"
        )
        x += item
    height = math.ceil(y + SWATCH + 4)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" class="research-chart research-distribution">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>"
    )
    parts.insert(0, head)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
