"""Descriptive statistics and paired change, as plain functions on numbers.

The arithmetic is numpy's and scipy's (mean, standard deviation with n-1,
median, the t distribution, Wilson intervals, the binomial and Wilcoxon tests);
this module decides what to compute and what to claim. The rules, also on the
"How we compute" page (templates/research/method.html):

- Fewer than ``MIN_PAIRS`` (3) pairs: the mean difference only; no confidence
  interval, no effect size, no test. Two pairs give a t interval on one degree
  of freedom, which says nothing.
- Every pair changed by the same amount (SD of the differences 0): no interval,
  no effect size, no mark: a zero-width interval is not evidence.
- "improved" / "worsened" only when the 95% confidence interval excludes 0;
  otherwise "no clear change".
- The effect size d_z is signed so that a positive value is an improvement,
  also for a measure where lower is better. The mean difference stays
  "later minus baseline".
- Yes/no measures: the change is a difference of proportions (later minus
  baseline) on the complete pairs, with Newcombe's interval for paired
  proportions (method 10, from Wilson intervals) and McNemar's exact test on
  the pairs that changed; never a t interval on 0/1.
- Likert measures: the distribution per wave, and the Wilcoxon signed-rank
  test beside the t test.

Figures that do not exist are ``None``, never NaN or infinity; templates and
the PDF show ``None`` as "-".
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
from scipy import stats as scipy_stats

CONFIDENCE = 0.95
MIN_PAIRS = 3  # fewer pairs: no interval, no effect size, no test
MAX_DISTRIBUTION = 21  # Likert scales with more points get no distribution table

IMPROVED = "improved"
WORSENED = "worsened"
NO_CLEAR_CHANGE = "no_clear_change"
UNCHANGED = NO_CLEAR_CHANGE  # the old name: every pair the same is no clear change either

T_TEST = "t"
PROPORTIONS = "proportions"


def _number(value) -> float | None:
    """A plain Python float, or None for a missing or non-finite figure."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- Descriptives ----------------------------------------------------------------


@dataclass(frozen=True)
class Descriptives:
    """n (non-missing), mean, SD (n-1), median, minimum and maximum of one set of values.

    For a yes/no measure (values 1 = yes, 0 = no) ``count_yes`` and
    ``proportion`` are filled as well; the mean then equals the proportion.
    For a Likert measure ``distribution`` lists ``[value, count]`` for every
    point of the scale. Figures that do not exist (no values; SD of fewer than
    two) are None.
    """

    n: int
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    count_yes: int | None = None
    proportion: float | None = None
    ci_low: float | None = None  # 95% confidence interval of the mean (t distribution)
    ci_high: float | None = None
    distribution: list | None = None  # Likert: [[value, count], ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> Descriptives:
        return cls(**{k: v for k, v in data.items() if k in _field_names(cls)})

    @property
    def distribution_total(self) -> int:
        return sum(count for _value, count in self.distribution or [])


def _field_names(cls) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def mean_interval(data: np.ndarray) -> tuple[float | None, float | None]:
    """The 95% confidence interval of the mean (t distribution); None for fewer than two."""
    n = int(data.size)
    if n < 2:
        return None, None
    mean = float(np.mean(data))
    sem = float(scipy_stats.sem(data))
    if sem == 0:
        return mean, mean
    low, high = scipy_stats.t.interval(CONFIDENCE, df=n - 1, loc=mean, scale=sem)
    return _number(low), _number(high)


def _clean(values) -> np.ndarray:
    if not isinstance(values, np.ndarray):
        values = [np.nan if v is None else v for v in values]
    data = np.asarray(values, dtype=float)
    return data[~np.isnan(data)]


def describe(values: Iterable[float]) -> Descriptives:
    """Descriptives of numeric values; missing values (None, NaN) are left out."""
    data = _clean(values)
    n = int(data.size)
    if n == 0:
        return Descriptives(n=0)
    ci_low, ci_high = mean_interval(data)
    return Descriptives(
        n=n,
        mean=_number(np.mean(data)),
        sd=_number(np.std(data, ddof=1)) if n >= 2 else None,
        median=_number(np.median(data)),
        minimum=_number(np.min(data)),
        maximum=_number(np.max(data)),
        ci_low=ci_low,
        ci_high=ci_high,
    )


def describe_yesno(values: Iterable[float | bool]) -> Descriptives:
    """Descriptives of yes/no answers (non-zero = yes), with the count and proportion of yes."""
    if not isinstance(values, np.ndarray):
        values = [np.nan if v is None else float(bool(v)) for v in values]
    data = np.asarray(values, dtype=float)
    answers = (data[~np.isnan(data)] != 0).astype(float)
    base = describe(answers)
    if base.n == 0:
        return Descriptives(n=0, count_yes=0)
    count_yes = int(answers.sum())
    return Descriptives(
        **{**asdict(base), "count_yes": count_yes, "proportion": count_yes / base.n}
    )


def likert_points(minimum: float | None, maximum: float | None) -> list[float] | None:
    """The points of a Likert scale (whole numbers from minimum to maximum), or None."""
    if minimum is None or maximum is None:
        return None
    low, high = math.ceil(minimum), math.floor(maximum)
    if high < low or high - low + 1 > MAX_DISTRIBUTION:
        return None
    return [float(v) for v in range(low, high + 1)]


def describe_likert(
    values: Iterable[float], *, minimum: float | None, maximum: float | None
) -> Descriptives:
    """Descriptives of a Likert item with the number of answers on each point of the scale.

    Answers between the points (a 3.5 from an averaged item) are counted nowhere,
    so the distribution's total can be below n; the page says so.
    """
    data = _clean(values)
    base = describe(data)
    points = likert_points(minimum, maximum)
    if points is None or base.n == 0:
        return base
    distribution = [[p, int(np.count_nonzero(data == p))] for p in points]
    return Descriptives(**{**asdict(base), "distribution": distribution})


# --- Paired change -----------------------------------------------------------------


@dataclass(frozen=True)
class PairedChange:
    """Change from the baseline to a later wave, on respondents with a value in both.

    ``mean_difference`` is later minus baseline (for yes/no: the difference of the
    proportions of "yes"); ``ci_low``/``ci_high`` its 95% confidence interval (t
    distribution, or Newcombe's interval for yes/no), None under ``MIN_PAIRS``
    pairs and when the differences have no spread. ``effect_size`` is Cohen's d_z
    (mean difference / SD of the differences) signed so that positive means
    better. ``p_value`` is the paired t test's (McNemar's exact test for yes/no);
    ``wilcoxon_p`` the Wilcoxon signed-rank test's (Likert). ``direction`` is
    "improved" or "worsened" only when the interval excludes 0, otherwise "no
    clear change". ``n_baseline``/``n_later`` count the values in each wave, so
    that the pairs show who dropped out.
    """

    n_pairs: int
    mean_difference: float | None = None
    sd_difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    effect_size: float | None = None
    direction: str | None = None
    method: str = T_TEST
    p_value: float | None = None
    wilcoxon_p: float | None = None
    n_baseline: int | None = None
    n_later: int | None = None
    yes_to_no: int | None = None  # yes/no: pairs from yes at the baseline to no
    no_to_yes: int | None = None

    @property
    def too_few(self) -> bool:
        """Some pairs, but fewer than needed for an interval."""
        return 0 < self.n_pairs < MIN_PAIRS

    @property
    def no_spread(self) -> bool:
        """Enough pairs, every one changed by the same amount: no interval exists."""
        return self.n_pairs >= MIN_PAIRS and self.method == T_TEST and self.sd_difference == 0

    @property
    def ci_excludes_zero(self) -> bool:
        """The mark: a real interval (enough pairs, some width) that does not include 0."""
        if self.n_pairs < MIN_PAIRS or self.ci_low is None or self.ci_high is None:
            return False
        if not self.ci_high > self.ci_low:
            return False
        return self.ci_low > 0 or self.ci_high < 0

    @property
    def improved(self) -> bool | None:
        if self.direction not in (IMPROVED, WORSENED):
            return None
        return self.direction == IMPROVED

    @classmethod
    def from_dict(cls, data: Mapping, *, higher_is_better: bool = True) -> PairedChange:
        """Read back a stored change, and apply today's rules to it: a report stored
        before them never says "improved" for a change its interval does not support."""
        change = cls(**{k: v for k, v in data.items() if k in _field_names(cls)})
        return honest(change, higher_is_better=higher_is_better)


def direction_of(change: PairedChange, higher_is_better: bool) -> str | None:
    """ "improved"/"worsened" when the interval excludes 0, else "no clear change"."""
    if change.n_pairs == 0 or change.mean_difference is None:
        return None
    if not change.ci_excludes_zero:
        return NO_CLEAR_CHANGE
    went_up = change.mean_difference > 0
    return IMPROVED if went_up == higher_is_better else WORSENED


def honest(change: PairedChange, *, higher_is_better: bool) -> PairedChange:
    """The change with nothing it cannot support: no interval, effect size or test under
    ``MIN_PAIRS`` pairs or without spread, and the direction from the interval."""
    values = asdict(change)
    if change.n_pairs < MIN_PAIRS or change.no_spread:
        values.update(ci_low=None, ci_high=None, effect_size=None, p_value=None, wilcoxon_p=None)
    elif (
        change.ci_low is not None
        and change.ci_high is not None
        and not change.ci_high > change.ci_low
    ):
        values.update(ci_low=None, ci_high=None)
    values["direction"] = None
    cleaned = PairedChange(**values)
    return PairedChange(**{**values, "direction": direction_of(cleaned, higher_is_better)})


def paired_differences(baseline: Mapping, later: Mapping) -> np.ndarray:
    """later - baseline for every respondent with a (non-missing) value in both."""
    keys = [k for k, v in later.items() if v is not None and baseline.get(k) is not None]
    return np.asarray([float(later[k]) - float(baseline[k]) for k in keys], dtype=float)


def _wilcoxon_p(d: np.ndarray) -> float | None:
    """The Wilcoxon signed-rank test's p (pairs without change left out); None if all zero."""
    if np.count_nonzero(d) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        warnings.simplefilter("ignore", category=UserWarning)
        try:
            return _number(scipy_stats.wilcoxon(d).pvalue)
        except ValueError:
            return None


def paired_change_from_differences(
    differences: Sequence[float] | np.ndarray,
    *,
    higher_is_better: bool = True,
    likert: bool = False,
    n_baseline: int | None = None,
    n_later: int | None = None,
) -> PairedChange:
    """Mean difference, its 95% CI (t distribution), d_z and the t test, from the differences."""
    d = np.asarray(differences, dtype=float)
    n = int(d.size)
    counts = {"n_baseline": n_baseline, "n_later": n_later}
    if n == 0:
        return PairedChange(n_pairs=0, **counts)
    mean = float(np.mean(d))
    sd = float(np.std(d, ddof=1)) if n >= 2 else None
    values = {"n_pairs": n, "mean_difference": mean, "sd_difference": _number(sd), **counts}
    if n >= MIN_PAIRS and sd:
        ci_low, ci_high = mean_interval(d)
        sign = 1 if higher_is_better else -1
        values.update(
            ci_low=ci_low,
            ci_high=ci_high,
            effect_size=_number(sign * mean / sd),
            p_value=_number(scipy_stats.ttest_1samp(d, 0.0).pvalue),
            wilcoxon_p=_wilcoxon_p(d) if likert else None,
        )
    return honest(PairedChange(**values), higher_is_better=higher_is_better)


def paired_change(
    baseline: Mapping, later: Mapping, *, higher_is_better: bool = True, likert: bool = False
) -> PairedChange:
    """Paired change between two waves, given as {respondent: value} for each wave."""
    return paired_change_from_differences(
        paired_differences(baseline, later), higher_is_better=higher_is_better, likert=likert
    )


# --- Yes/no: a difference of paired proportions -----------------------------------


def wilson_interval(count: int, n: int) -> tuple[float, float]:
    """The Wilson score interval of a proportion (scipy's)."""
    ci = scipy_stats.binomtest(count, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


def newcombe_paired_interval(
    both_yes: int, yes_to_no: int, no_to_yes: int, both_no: int
) -> tuple[float, float]:
    """Newcombe's (1998) method 10: the 95% interval of p_later - p_baseline for paired
    yes/no answers, from the Wilson intervals of both proportions and their correlation."""
    a, b, c, d = both_yes, yes_to_no, no_to_yes, both_no
    n = a + b + c + d
    p_later, p_base = (a + c) / n, (a + b) / n
    l1, u1 = wilson_interval(a + c, n)
    l2, u2 = wilson_interval(a + b, n)
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / math.sqrt(denominator) if denominator else 0.0
    theta = p_later - p_base
    delta = math.sqrt(
        max(
            0.0, (p_later - l1) ** 2 - 2 * phi * (p_later - l1) * (u2 - p_base) + (u2 - p_base) ** 2
        )
    )
    epsilon = math.sqrt(
        max(
            0.0, (u1 - p_later) ** 2 - 2 * phi * (u1 - p_later) * (p_base - l2) + (p_base - l2) ** 2
        )
    )
    return max(-1.0, theta - delta), min(1.0, theta + epsilon)


def mcnemar_exact_p(yes_to_no: int, no_to_yes: int) -> float:
    """McNemar's exact test: the pairs that changed, against a fair coin (scipy's binomtest)."""
    changed = yes_to_no + no_to_yes
    if changed == 0:
        return 1.0
    return float(scipy_stats.binomtest(no_to_yes, changed, 0.5).pvalue)


def paired_yesno_change(
    baseline: Sequence[float] | np.ndarray,
    later: Sequence[float] | np.ndarray,
    *,
    higher_is_better: bool = True,
    n_baseline: int | None = None,
    n_later: int | None = None,
) -> PairedChange:
    """The change in the proportion of "yes" on complete pairs (two equally long lists,
    non-zero = yes), with Newcombe's interval and McNemar's exact test."""
    base = np.asarray(baseline, dtype=float) != 0
    late = np.asarray(later, dtype=float) != 0
    n = int(base.size)
    counts = {"n_baseline": n_baseline, "n_later": n_later}
    if n == 0:
        return PairedChange(n_pairs=0, method=PROPORTIONS, **counts)
    a = int(np.count_nonzero(base & late))
    b = int(np.count_nonzero(base & ~late))
    c = int(np.count_nonzero(~base & late))
    d = n - a - b - c
    values = {
        "n_pairs": n,
        "mean_difference": (c - b) / n,
        "method": PROPORTIONS,
        "yes_to_no": b,
        "no_to_yes": c,
        **counts,
    }
    if n >= MIN_PAIRS:
        low, high = newcombe_paired_interval(a, b, c, d)
        values.update(ci_low=low, ci_high=high, p_value=mcnemar_exact_p(b, c))
    return honest(PairedChange(**values), higher_is_better=higher_is_better)
