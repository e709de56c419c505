"""The statistics, checked against values computed independently (by hand and with
Python's own ``statistics`` module), and their edge cases."""

import math
import statistics as py_stats
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from research.charts import measure_chart_svg
from research.statistics import (
    IMPROVED,
    NO_CLEAR_CHANGE,
    UNCHANGED,
    WORSENED,
    Descriptives,
    MeasureStatistics,
    UnitStatistics,
    WaveDescriptives,
    WaveInfo,
    describe,
    describe_yesno,
    paired_change,
)
from research.templatetags.research_format import num2, pct, signed2

SVG = "{http://www.w3.org/2000/svg}"


def test_descriptives_match_pythons_statistics_module():
    values = [3, 4, 4, 5, 2, 5, 3.5]
    d = describe(values)
    assert d.n == 7
    assert d.mean == pytest.approx(py_stats.mean(values))
    assert d.sd == pytest.approx(py_stats.stdev(values))  # n - 1
    assert d.median == pytest.approx(py_stats.median(values))
    assert (d.minimum, d.maximum) == (2, 5)


def test_descriptives_by_hand():
    d = describe([2, 4, 4, 4, 5, 5, 7, 9])
    # mean 40/8 = 5; sum of squares 32; SD (n-1) = sqrt(32/7)
    assert d.mean == 5
    assert d.sd == pytest.approx(math.sqrt(32 / 7))
    assert d.median == 4.5


def test_missing_values_are_left_out_not_counted_as_zero():
    d = describe([4, None, 2])
    assert d.n == 2
    assert d.mean == 3


def test_no_values_and_one_value_give_no_spread():
    assert describe([]) == Descriptives(n=0)
    one = describe([4])
    assert one.n == 1 and one.mean == 4 and one.median == 4
    assert one.sd is None and one.ci_low is None and one.ci_high is None


def test_no_spread_gives_zero_sd_and_a_zero_width_interval():
    d = describe([3, 3, 3])
    assert d.sd == 0
    assert d.ci_low == d.ci_high == 3


def test_mean_interval_uses_the_t_distribution():
    d = describe([1, 2, 3, 4])
    # mean 2.5, SD sqrt(5/3), SEM SD/2, t(0.975, 3) = 3.182446
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2
    assert d.ci_low == pytest.approx(2.5 - half)
    assert d.ci_high == pytest.approx(2.5 + half)


def test_yes_no_as_proportions():
    d = describe_yesno([1, 0, 1, 1, None, True, False, 0])
    assert d.n == 7
    assert d.count_yes == 4
    assert d.proportion == pytest.approx(4 / 7)
    assert describe_yesno([]).n == 0
    assert describe_yesno([]).proportion is None


def test_paired_change_by_hand():
    baseline = {"r1": 1, "r2": 2, "r3": 3, "r4": 4, "only_before": 5}
    later = {"r1": 2, "r2": 4, "r3": 5, "r4": 5, "only_after": 1, "r5": None}
    change = paired_change(baseline, later, higher_is_better=True)
    # differences 1, 2, 2, 1: mean 1.5, SD sqrt(1/3), SEM sqrt(1/3)/2, t(0.975, 3) = 3.182446
    assert change.n_pairs == 4
    assert change.mean_difference == pytest.approx(1.5)
    assert change.sd_difference == pytest.approx(math.sqrt(1 / 3))
    half = 3.182446305284263 * math.sqrt(1 / 3) / 2
    assert change.ci_low == pytest.approx(1.5 - half)
    assert change.ci_high == pytest.approx(1.5 + half)
    assert change.effect_size == pytest.approx(1.5 / math.sqrt(1 / 3))  # d_z = 2.598
    assert change.direction == IMPROVED
    assert change.improved is True
    assert change.ci_excludes_zero


def test_paired_change_textbook_example():
    """Student's sleep data (Cushny & Peebles, as in R's ``sleep``): extra hours of
    sleep with drug 1 and drug 2 for the same ten patients. The paired t test
    gives mean difference 1.58, 95% CI 0.700 to 2.460, t = 4.062 (df 9)."""
    drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    change = paired_change(dict(enumerate(drug1)), dict(enumerate(drug2)))
    assert change.n_pairs == 10
    assert change.mean_difference == pytest.approx(1.58)
    assert change.ci_low == pytest.approx(0.7001142, abs=1e-6)
    assert change.ci_high == pytest.approx(2.4598858, abs=1e-6)
    # t = d_z * sqrt(n)
    assert change.effect_size * math.sqrt(10) == pytest.approx(4.062128, abs=1e-5)


def test_direction_follows_higher_is_better():
    before = {"a": 5, "b": 6, "c": 7}
    after = {"a": 3, "b": 5, "c": 4}
    # differences -2, -1, -3: mean -2, SD 1, 95% CI -2 +- 4.303 / sqrt(3) = -4.48 to 0.48
    assert paired_change(before, after, higher_is_better=True).direction == NO_CLEAR_CHANGE
    before = {"a": 5, "b": 6, "c": 7, "d": 6}
    after = {"a": 3, "b": 4, "c": 4, "d": 4}  # -2, -2, -3, -2: CI -2.25 +- 0.80
    higher = paired_change(before, after, higher_is_better=True)
    assert higher.direction == WORSENED and higher.improved is False
    assert higher.effect_size == pytest.approx(-2.25 / 0.5)  # negative: worse
    lower_is_better = paired_change(before, after, higher_is_better=False)
    assert lower_is_better.direction == IMPROVED and lower_is_better.improved is True
    assert lower_is_better.effect_size == pytest.approx(2.25 / 0.5)  # positive: better
    assert lower_is_better.mean_difference == -2.25  # the difference keeps its own sign
    same = paired_change({"a": 1, "b": 2}, {"a": 2, "b": 1})
    assert same.direction == UNCHANGED == NO_CLEAR_CHANGE and same.improved is None


def test_paired_change_with_fewer_than_two_pairs():
    assert paired_change({}, {}).n_pairs == 0
    assert paired_change({}, {}).mean_difference is None
    one = paired_change({"a": 1, "b": 1}, {"a": 3})
    assert one.n_pairs == 1
    assert one.mean_difference == 2
    assert one.sd_difference is None and one.ci_low is None and one.effect_size is None


def test_paired_change_without_spread_has_no_effect_size():
    change = paired_change({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 3, "c": 4})
    assert change.mean_difference == 1
    assert change.sd_difference == 0
    assert change.effect_size is None  # no division by zero
    # A zero-width interval is no evidence: none shown, no mark, no "improved".
    assert change.ci_low is None and change.ci_high is None
    assert change.no_spread and not change.ci_excludes_zero
    assert change.direction == NO_CLEAR_CHANGE


def test_yes_no_change_is_a_change_in_proportion():
    change = paired_change({"a": 0, "b": 0, "c": 1, "d": 0}, {"a": 1, "b": 1, "c": 1, "d": 0})
    assert change.mean_difference == pytest.approx(0.5)


# --- Formatting ----------------------------------------------------------------


def test_numbers_in_the_readers_language():
    with translation.override("nl"):
        assert num2(3.4666) == "3,47"
        assert pct(0.625) == "62,5%"
        assert signed2(0.5) == "+0,50"
    with translation.override("en"):
        assert num2(3.4666) == "3.47"
        assert signed2(-0.25) == "-0.25"
    assert num2(None) == "-"
    assert num2(float("nan")) == "-"
    assert num2(-0.001) == "0.00"


# --- Charts --------------------------------------------------------------------

WAVES = [
    WaveInfo("baseline", "Baseline", "2026-01-01", True, "baseline"),
    WaveInfo("intermediary", "Intermediary <mid>", None, kind="intermediary", is_later=True),
    WaveInfo("final", "Final", None, kind="final", is_later=True),
]


def _measure(kind="likert", per_wave=None, **kwargs):
    per_wave = per_wave or {
        "baseline": describe([2, 3, 3, 4]),
        "intermediary": describe([3, 3, 4, 4]),
        "final": describe([4, 4, 5, 5]),
    }
    return MeasureStatistics(
        code=kwargs.get("code", "lonely"),
        label=kwargs.get("label", "Loneliness & more"),
        construct="",
        kind=kind,
        higher_is_better=True,
        respondent="client",
        minimum=kwargs.get("minimum", 1.0),
        maximum=kwargs.get("maximum", 5.0),
        waves=[WaveDescriptives(code, stats) for code, stats in per_wave.items()],
    )


def _points(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    return root, [c for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point"]


def test_chart_is_valid_svg_with_one_point_per_wave_and_a_title():
    svg = measure_chart_svg(_measure(), WAVES)
    root, points = _points(svg)
    assert len(points) == 3
    assert root.find(f"{SVG}title").text.startswith("Loneliness & more (lonely)")
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.get("viewBox") and root.get("width") == "100%"
    assert "style=" not in svg  # the CSP forbids inline styles
    # Higher means are drawn higher up (smaller y).
    ys = [float(p.get("cy")) for p in points]
    assert ys[0] > ys[1] > ys[2]


def test_chart_of_yes_no_shows_percentages():
    measure = _measure(
        "yesno",
        {"baseline": describe_yesno([0, 0, 1, 1]), "final": describe_yesno([1, 1, 1, 0])},
        minimum=None,
        maximum=None,
    )
    root, points = _points(measure_chart_svg(measure, WAVES))
    assert len(points) == 2  # no data at the intermediary wave
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "50.0%" in texts and "75.0%" in texts


def test_chart_with_sd_error_bars_and_without_data():
    assert len(_points(measure_chart_svg(_measure(), WAVES, error="sd"))[1]) == 3
    empty = _measure(per_wave={"baseline": Descriptives(n=0)})
    root, points = _points(measure_chart_svg(empty, WAVES))
    assert points == []
    assert "No data yet." in [t.text for t in root.iter(f"{SVG}text")]


def test_chart_numbers_in_dutch():
    with translation.override("nl"):
        svg = measure_chart_svg(_measure(), WAVES)
    assert "3,50" in svg


def test_unit_statistics_round_trip_through_a_dict():
    stats = UnitStatistics(
        unit_slug="u",
        unit_name="U",
        generated_at="2026-01-01T00:00:00+00:00",
        waves=WAVES,
        measures=[_measure()],
        n_respondents=4,
    )
    data = stats.to_dict()
    import json

    assert UnitStatistics.from_dict(json.loads(json.dumps(data))) == stats


# --- Property: any data, checked against scipy's paired t test and Python's statistics --

pairs_strategy = st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(pairs_strategy, st.booleans())
def test_paired_change_agrees_with_scipy_for_any_data(pairs, higher_is_better):
    before = {f"r{i}": b for i, (b, _a) in enumerate(pairs)}
    after = {f"r{i}": a for i, (_b, a) in enumerate(pairs)}
    change = paired_change(before, after, higher_is_better=higher_is_better)
    diffs = [a - b for b, a in pairs]
    assert change.n_pairs == len(pairs)
    for value in (change.mean_difference, change.ci_low, change.ci_high, change.effect_size):
        assert value is None or math.isfinite(value)
    if not pairs:
        assert change.mean_difference is None
        return
    assert change.mean_difference == pytest.approx(py_stats.mean(diffs))
    if len(pairs) < 3:
        assert change.ci_low is None and change.effect_size is None
        assert change.direction == NO_CLEAR_CHANGE and not change.ci_excludes_zero
        return
    sd = py_stats.stdev(diffs)
    if sd == 0:
        assert change.effect_size is None and change.ci_low is None
        assert change.direction == NO_CLEAR_CHANGE and not change.ci_excludes_zero
        return
    result = scipy_stats.ttest_rel([a for _b, a in pairs], [b for b, _a in pairs])
    interval = result.confidence_interval(0.95)
    assert change.ci_low == pytest.approx(interval.low)
    assert change.ci_high == pytest.approx(interval.high)
    sign = 1 if higher_is_better else -1
    assert change.effect_size == pytest.approx(sign * py_stats.mean(diffs) / sd)
    assert change.p_value == pytest.approx(result.pvalue)
    if interval.low > 0 or interval.high < 0:
        expected = IMPROVED if (py_stats.mean(diffs) > 0) == higher_is_better else WORSENED
    else:
        expected = NO_CLEAR_CHANGE
    assert change.direction == expected
    assert change.ci_excludes_zero == (expected != NO_CLEAR_CHANGE)
