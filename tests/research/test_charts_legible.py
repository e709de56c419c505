"""Charts that read: no two texts overlap however many waves and however long their
labels, the y axis fits the data (and says so where it is cut), waves stay in the
order they are given (time)."""

import itertools
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from research.charts import likert_distribution_svg, measure_chart_svg, text_width, wrap_label
from research.statistics import MeasureStatistics, WaveDescriptives, WaveInfo, describe

SVG = "{http://www.w3.org/2000/svg}"


def _waves(labels):
    return [
        WaveInfo(f"w{i}", label, None, i == 0, "baseline" if i == 0 else "intermediary", i > 0)
        for i, label in enumerate(labels)
    ]


def _measure(waves, values_of, *, minimum=1.0, maximum=5.0, kind="numeric"):
    return MeasureStatistics(
        code="m",
        label="Measure",
        construct="",
        kind=kind,
        higher_is_better=True,
        respondent="client",
        minimum=minimum,
        maximum=maximum,
        waves=[WaveDescriptives(w.code, describe(values_of(i))) for i, w in enumerate(waves)],
    )


def _text_boxes(svg):
    """(x0, y0, x1, y1, text) of every text, from its anchor, baseline and font size."""
    root = ET.fromstring(str(svg))
    boxes = []
    for t in root.iter(f"{SVG}text"):
        size = float(t.get("font-size"))
        x, y = float(t.get("x")), float(t.get("y"))
        width = text_width(t.text, size)
        anchor = t.get("text-anchor", "start")
        x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        # Centred on y, or on the alphabetic baseline (ascenders above, descenders below).
        y0 = y - size / 2 if t.get("dominant-baseline") == "middle" else y - 0.8 * size
        boxes.append((x0, y0, x0 + width, y0 + size, t.text))
    return root, boxes


def _overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


LONG = [
    "Nulmeting",
    "Tussenmeting",
    "Eindmeting",
    "Follow-up na een half jaar",
    "Pilotmeting in de zomervakantie van 2026",
    "Meting",
    "Hoofdmetingsmomentopvolgingsronde",
    "Extra meting bij de tweede groep deelnemers",
]


@pytest.mark.parametrize("n_waves", [1, 3, 4, 5, 8, 12, 20])
def test_no_two_labels_of_a_chart_overlap_and_all_fit_the_chart(n_waves):
    labels = [LONG[i % len(LONG)] + (f" {i}" if i >= len(LONG) else "") for i in range(n_waves)]
    waves = _waves(labels)
    chart = measure_chart_svg(_measure(waves, lambda i: [1 + i % 4, 2 + i % 3, 3, 4]), waves)
    root, boxes = _text_boxes(chart)
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    # Wave labels, their values, tick labels: all there.
    assert len(boxes) >= 2 * n_waves
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlaps(a, b), f"{a[4]!r} overlaps {b[4]!r}"
    for x0, y0, x1, y1, text in boxes:
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, f"{text!r} is cut off"


def test_the_three_default_waves_are_written_in_full_in_dutch():
    waves = [
        WaveInfo("baseline", "Baseline", None, True, "baseline"),
        WaveInfo("intermediary", "Intermediary", None, kind="intermediary", is_later=True),
        WaveInfo("final", "Final", None, kind="final", is_later=True),
    ]
    with translation.override("nl"):
        root, boxes = _text_boxes(measure_chart_svg(_measure(waves, lambda i: [2, 3, 4]), waves))
    texts = [b[4] for b in boxes]
    assert {"Nulmeting", "Tussenmeting", "Eindmeting"} <= set(texts)
    assert not any("…" in t for t in texts)


def test_a_label_wraps_at_spaces_and_a_too_long_word_ends_in_an_ellipsis():
    assert wrap_label("Follow-up na een half jaar", 80, 10) == ["Follow-up na", "een half jaar"]
    (only,) = wrap_label("Hoofdmetingsmomentopvolgingsronde", 80, 10)
    assert only.endswith("…") and text_width(only, 10) <= 80
    assert len(wrap_label("a b c d e f g h i j k l m n o p", 20, 10)) == 2


def test_a_scale_the_data_barely_use_is_cut_to_the_data_and_says_so():
    waves = _waves(["Baseline", "Final"])
    hours = _measure(
        waves, lambda i: [20, 24, 30, 34] if i == 0 else [30, 34, 38, 42], minimum=0, maximum=168
    )
    with translation.override("en"):
        root, boxes = _text_boxes(measure_chart_svg(hours, waves))
    texts = [b[4] for b in boxes]
    assert "Scale 0 to 168; the axis shows 10 to 50." in texts
    ticks = [t for t in texts if t.isdigit()]
    assert ticks == ["10", "20", "30", "40", "50"]
    # The means (27 and 36) are far apart on the page (on 0-168: 8 units), not squashed.
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys[0] - ys[1] > 30


def test_a_scale_the_data_fill_is_kept_whole():
    waves = _waves(["Baseline", "Final"])
    chart = measure_chart_svg(_measure(waves, lambda i: [2, 3, 3, 4]), waves)
    root, boxes = _text_boxes(chart)
    texts = [b[4] for b in boxes]
    assert not any(t.startswith("Scale") for t in texts)
    assert [t for t in texts if t.isdigit()] == ["1", "2", "3", "4", "5"]


def test_waves_are_drawn_in_the_order_given_left_to_right():
    waves = _waves(["Pilot", "Baseline", "Final"])
    root, boxes = _text_boxes(measure_chart_svg(_measure(waves, lambda i: [3, 4]), waves))
    xs = {b[4]: b[0] + (b[2] - b[0]) / 2 for b in boxes}
    assert xs["Pilot"] < xs["Baseline"] < xs["Final"]


def test_a_likert_scale_labels_every_point():
    waves = _waves(["Baseline", "Final"])
    seven = _measure(waves, lambda i: [4, 5, 5, 6], minimum=1, maximum=7, kind="likert")
    root, boxes = _text_boxes(measure_chart_svg(seven, waves))
    assert [b[4] for b in boxes if b[4].isdigit()] == ["1", "2", "3", "4", "5", "6", "7"]


def _likert(waves, answers_of, minimum=1, maximum=5):
    from research.statistics import describe_likert

    return MeasureStatistics(
        code="trust",
        label="Trust",
        construct="",
        kind="likert",
        higher_is_better=True,
        respondent="client",
        minimum=minimum,
        maximum=maximum,
        waves=[
            WaveDescriptives(
                w.code, describe_likert(answers_of(i), minimum=minimum, maximum=maximum)
            )
            for i, w in enumerate(waves)
        ],
    )


@pytest.mark.parametrize("maximum", [5, 7, 11])
def test_a_likert_distribution_shows_each_waves_shares_without_overlapping_texts(maximum):
    waves = _waves(LONG[:5])
    measure = _likert(waves, lambda i: [1, 1, 2, 3, 3, 3, 3, maximum, maximum, 4], maximum=maximum)
    root, boxes = _text_boxes(likert_distribution_svg(measure, waves))
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlaps(a, b), f"{a[4]!r} overlaps {b[4]!r}"
    for x0, y0, x1, y1, text in boxes:
        assert x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height, f"{text!r} is cut off"
    texts = [b[4] for b in boxes]
    # Four of ten answered 3: 40% in each of the five bars; the legend names every point.
    assert texts.count("40%") == 5
    assert [str(v) for v in range(1, maximum + 1)] == [t for t in texts if t.isdigit()]
    # Each bar's segments fill its whole width.
    rects = [r for r in root.iter(f"{SVG}rect") if float(r.get("height")) > 10]
    bar = sum(float(r.get("width")) for r in rects) / 5
    assert bar == pytest.approx(width - float(rects[0].get("x")) - 14, abs=0.5)


def test_no_distribution_for_a_measure_that_is_not_likert():
    waves = _waves(["Baseline"])
    assert likert_distribution_svg(_measure(waves, lambda i: [1, 2]), waves) is None
