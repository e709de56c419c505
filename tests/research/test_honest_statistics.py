"""Honest statistics (issue 12): what is claimed for small samples, degenerate intervals,
yes/no and Likert measures, checked by hand and against independent recomputations."""

import math
import statistics as py_stats

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from research.statistics import (
    IMPROVED,
    MIN_PAIRS,
    NO_CLEAR_CHANGE,
    WORSENED,
    PairedChange,
    UnitStatistics,
    describe_likert,
    mcnemar_exact_p,
    newcombe_paired_interval,
    paired_change,
    paired_change_from_differences,
    paired_yesno_change,
)

# --- Small samples -------------------------------------------------------------------


def test_two_pairs_get_the_difference_only():
    change = paired_change({"a": 1, "b": 2}, {"a": 3, "b": 5})
    assert MIN_PAIRS == 3
    assert change.n_pairs == 2 and change.mean_difference == 2.5
    assert change.sd_difference == pytest.approx(math.sqrt(0.5))
    assert change.ci_low is None and change.ci_high is None
    assert change.effect_size is None and change.p_value is None
    assert change.too_few and not change.ci_excludes_zero
    assert change.direction == NO_CLEAR_CHANGE


def test_one_pair_is_never_improved():
    change = paired_change({"a": 1}, {"a": 5})
    assert change.too_few and change.direction == NO_CLEAR_CHANGE and change.improved is None


def test_three_identical_differences_are_not_marked():
    change = paired_change_from_differences([1.0, 1.0, 1.0])
    assert change.mean_difference == 1 and change.sd_difference == 0
    assert change.no_spread and not change.too_few
    assert change.ci_low is None and change.ci_high is None and change.effect_size is None
    assert not change.ci_excludes_zero
    assert change.direction == NO_CLEAR_CHANGE


def test_a_ci_including_zero_is_no_clear_change():
    # differences 2, 1, 3: mean 2, SD 1, CI 2 +- 4.302653 / sqrt(3) = -0.484 to 4.484
    change = paired_change_from_differences([2.0, 1.0, 3.0])
    assert change.ci_low == pytest.approx(2 - 4.302652729696 / math.sqrt(3))
    assert change.ci_high == pytest.approx(2 + 4.302652729696 / math.sqrt(3))
    assert change.direction == NO_CLEAR_CHANGE and not change.ci_excludes_zero
    assert change.effect_size == pytest.approx(2.0)  # still shown, with its interval
    assert change.p_value == pytest.approx(scipy_stats.ttest_1samp([2, 1, 3], 0).pvalue)


def test_effect_size_positive_means_better_for_lower_is_better():
    # 4 pairs, each 2 lower (one 3 lower): mean -2.25, SD 0.5, CI -3.05 to -1.45
    differences = [-2.0, -2.0, -3.0, -2.0]
    lower = paired_change_from_differences(differences, higher_is_better=False)
    higher = paired_change_from_differences(differences, higher_is_better=True)
    assert lower.mean_difference == higher.mean_difference == -2.25
    assert lower.effect_size == pytest.approx(4.5) and lower.direction == IMPROVED
    assert higher.effect_size == pytest.approx(-4.5) and higher.direction == WORSENED


def test_a_stored_change_is_read_back_with_todays_rules():
    """A report stored before these rules said "improved" for 2 pairs with a t interval."""
    old = {
        "n_pairs": 2,
        "mean_difference": 2.5,
        "sd_difference": 0.7071,
        "ci_low": -3.85,
        "ci_high": 8.85,
        "effect_size": 3.54,
        "direction": "improved",
    }
    change = PairedChange.from_dict(old, higher_is_better=True)
    assert change.ci_low is None and change.effect_size is None
    assert change.direction == NO_CLEAR_CHANGE
    degenerate = {**old, "n_pairs": 3, "sd_difference": 0.0, "ci_low": 1.0, "ci_high": 1.0}
    assert PairedChange.from_dict(degenerate).direction == NO_CLEAR_CHANGE
    assert not PairedChange.from_dict(degenerate).ci_excludes_zero


def test_an_old_snapshot_reads_back_with_kinds_and_later_waves():
    old = {
        "unit_slug": "u",
        "unit_name": "U",
        "generated_at": "2026-01-01T00:00:00+00:00",
        "n_respondents": 0,
        "waves": [
            {"code": "baseline", "label": "Baseline", "date": None, "is_baseline": True},
            {"code": "final", "label": "Final", "date": None, "is_baseline": False},
        ],
        "measures": [],
    }
    stats = UnitStatistics.from_dict(old)
    assert [(w.kind, w.is_later) for w in stats.waves] == [("baseline", False), ("final", True)]


# --- Yes/no: paired proportions --------------------------------------------------------


def test_newcombe_interval_matches_newcombes_worked_example():
    """Newcombe (1998), Stat Med 17:2635, Table II: 36 both yes, 12 yes -> no, 2 no -> yes,
    0 both no; method 10 gives 0.0569 to 0.3404 for the difference of 0.2."""
    low, high = newcombe_paired_interval(36, 2, 12, 0)
    assert (round(low, 4), round(high, 4)) == (0.0569, 0.3404)


def test_yes_no_change_by_hand():
    # 12 pairs: 2 yes -> yes, 1 yes -> no, 6 no -> yes, 3 no -> no
    baseline = [1, 1, 1] + [0] * 6 + [0] * 3
    later = [1, 1, 0] + [1] * 6 + [0] * 3
    change = paired_yesno_change(baseline, later)
    assert change.n_pairs == 12
    assert change.mean_difference == pytest.approx(5 / 12)  # 8/12 - 3/12
    assert (change.yes_to_no, change.no_to_yes) == (1, 6)
    assert change.p_value == pytest.approx(16 / 128)  # McNemar exact: 2 * P(X >= 6 | 7, 1/2)
    assert change.effect_size is None and change.method == "proportions"
    assert change.ci_low == pytest.approx(_newcombe(2, 1, 6, 3)[0])
    assert change.ci_excludes_zero == (change.ci_low > 0)


def test_yes_no_where_nobody_changed_and_the_answers_correlate_fully():
    """2 yes -> yes, 2 no -> no: Newcombe's interval has width 0 (phi = 1); not shown."""
    change = paired_yesno_change([1, 1, 0, 0], [1, 1, 0, 0])
    assert change.mean_difference == 0 and change.p_value == 1.0
    assert change.ci_low is None and not change.ci_excludes_zero
    assert change.direction == NO_CLEAR_CHANGE


def test_yes_no_with_no_discordant_pairs():
    change = paired_yesno_change([1, 0, 1, 0], [1, 0, 1, 0])
    assert change.mean_difference == 0 and change.p_value == 1.0
    assert change.direction == NO_CLEAR_CHANGE
    assert mcnemar_exact_p(0, 0) == 1.0


def _wilson(count, n, z):
    """The Wilson score interval by its formula (not scipy's implementation)."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def _newcombe(a, b, c, d):
    """Newcombe's method 10 written out again, for p_later - p_baseline."""
    n = a + b + c + d
    z = scipy_stats.norm.ppf(0.975)
    p1, p2 = (a + c) / n, (a + b) / n
    l1, u1 = _wilson(a + c, n, z)
    l2, u2 = _wilson(a + b, n, z)
    den = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(den) if den else 0.0
    dl = math.sqrt(max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    du = math.sqrt(max(0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return max(-1, p1 - p2 - dl), min(1, p1 - p2 + du)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=60), st.booleans())
def test_yes_no_change_agrees_with_a_recomputation(pairs, higher_is_better):
    baseline = [int(b) for b, _l in pairs]
    later = [int(la) for _b, la in pairs]
    change = paired_yesno_change(baseline, later, higher_is_better=higher_is_better)
    n = len(pairs)
    assert change.n_pairs == n
    if n == 0:
        assert change.mean_difference is None
        return
    a = sum(1 for b, la in pairs if b and la)
    b = sum(1 for bb, la in pairs if bb and not la)
    c = sum(1 for bb, la in pairs if not bb and la)
    d = n - a - b - c
    assert change.mean_difference == pytest.approx(sum(later) / n - sum(baseline) / n)
    if n < MIN_PAIRS:
        assert change.ci_low is None and change.direction == NO_CLEAR_CHANGE
        return
    low, high = _newcombe(a, b, c, d)
    if high - low < 1e-12:
        # Every pair the same answer twice and the correlation 1: an interval of width 0,
        # which is no evidence (as a t interval without spread): none shown, no mark.
        assert change.ci_low is None and change.direction == NO_CLEAR_CHANGE
        return
    assert change.ci_low == pytest.approx(low, abs=1e-9)
    assert change.ci_high == pytest.approx(high, abs=1e-9)
    assert change.ci_low <= change.mean_difference <= change.ci_high
    expected_p = 1.0 if b + c == 0 else scipy_stats.binomtest(c, b + c, 0.5).pvalue
    assert change.p_value == pytest.approx(expected_p)
    if low > 0 or high < 0:
        went_up = change.mean_difference > 0
        assert change.direction == (IMPROVED if went_up == higher_is_better else WORSENED)
    else:
        assert change.direction == NO_CLEAR_CHANGE


# --- Likert: distribution and Wilcoxon --------------------------------------------------


def test_likert_distribution_by_hand():
    d = describe_likert([1, 2, 2, 5, None, 5, 5], minimum=1, maximum=5)
    assert d.n == 6
    assert d.distribution == [[1.0, 1], [2.0, 2], [3.0, 0], [4.0, 0], [5.0, 3]]
    assert d.distribution_total == 6


def test_likert_change_has_the_wilcoxon_test_beside_the_t_test():
    before = {f"r{i}": v for i, v in enumerate([2, 3, 3, 2, 4, 3, 2, 3])}
    after = {f"r{i}": v for i, v in enumerate([3, 4, 4, 3, 4, 5, 3, 4])}
    change = paired_change(before, after, likert=True)
    diffs = [after[k] - before[k] for k in before]
    assert change.wilcoxon_p == pytest.approx(scipy_stats.wilcoxon(diffs).pvalue)
    assert change.p_value == pytest.approx(
        scipy_stats.ttest_rel(list(after.values()), list(before.values())).pvalue
    )
    assert paired_change(before, after).wilcoxon_p is None  # only for Likert measures


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=3, max_size=30))
def test_likert_figures_agree_with_scipy(pairs):
    diffs = np.asarray([a - b for b, a in pairs], dtype=float)
    change = paired_change_from_differences(diffs, likert=True)
    if py_stats.pstdev(diffs) == 0:
        assert change.wilcoxon_p is None and change.p_value is None
        return
    expected = scipy_stats.wilcoxon(diffs).pvalue if np.count_nonzero(diffs) else None
    if expected is None or not math.isfinite(expected):
        assert change.wilcoxon_p is None
    else:
        assert change.wilcoxon_p == pytest.approx(expected)
    later = describe_likert([a for _b, a in pairs], minimum=1, maximum=5)
    assert later.distribution_total == len(pairs)
    assert [n for _v, n in later.distribution] == [
        sum(1 for _b, a in pairs if a == v) for v in range(1, 6)
    ]


def test_an_old_snapshot_gets_d_z_signed_positive_is_better():
    change = {"n_pairs": 4, "mean_difference": -2.25, "sd_difference": 0.5, "effect_size": -4.5}
    change.update(ci_low=-3.05, ci_high=-1.45)
    measure = {
        "code": "lonely",
        "label": "Lonely",
        "construct": "",
        "kind": "likert",
        "respondent": "client",
        "minimum": 1,
        "maximum": 5,
        "waves": [],
        "changes": [{"wave_code": "final", "change": change}],
    }
    old = {
        "unit_slug": "u",
        "unit_name": "U",
        "generated_at": "2026-01-01T00:00:00+00:00",
        "n_respondents": 4,
        "waves": [
            {"code": "baseline", "label": "Baseline", "date": None, "is_baseline": True},
            {"code": "final", "label": "Final", "date": None, "is_baseline": False},
        ],
        "measures": [
            {**measure, "higher_is_better": False},
            {**measure, "code": "happy", "higher_is_better": True},
        ],
    }
    stats = UnitStatistics.from_dict(old)
    assert stats.measure("lonely").change_to("final").effect_size == 4.5  # lower is better
    assert stats.measure("lonely").change_to("final").direction == IMPROVED
    assert stats.measure("happy").change_to("final").effect_size == -4.5
    # Stored now (rules 2), read back as it is.
    assert UnitStatistics.from_dict(stats.to_dict()) == stats
