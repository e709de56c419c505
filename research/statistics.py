"""Descriptive statistics and paired change, as plain functions on numbers.

The arithmetic is numpy's and scipy's (mean, standard deviation with n-1,
median, the t distribution); this module only decides what to compute, guards
the cases where a figure does not exist (fewer than two values, no spread) and
returns ``None`` for those, never NaN or infinity. Templates and the PDF show
``None`` as "-".

``unit_statistics(unit)``, at the end of this module, gathers the figures for
every measure and wave of a unit into one :class:`UnitStatistics`, which is
what the statistics page and the PDF reports render, and what a report stores
(``to_dict()``) as the data it was made from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import numpy as np
from scipy import stats as scipy_stats

CONFIDENCE = 0.95

IMPROVED = "improved"
WORSENED = "worsened"
UNCHANGED = "unchanged"


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
    Figures that do not exist (no values; SD of fewer than two) are None.
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


def describe(values: Iterable[float]) -> Descriptives:
    """Descriptives of numeric values; missing values (None, NaN) are left out."""
    if not isinstance(values, np.ndarray):
        values = [np.nan if v is None else v for v in values]
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
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


# --- Paired change -----------------------------------------------------------------


@dataclass(frozen=True)
class PairedChange:
    """Change from the baseline to a later wave, on respondents with a value in both.

    ``mean_difference`` is later minus baseline; ``ci_low``/``ci_high`` its 95%
    confidence interval from the t distribution (n-1 degrees of freedom);
    ``effect_size`` is Cohen's d_z (mean difference / SD of the differences).
    ``direction`` is "improved", "worsened" or "unchanged", read with the
    measure's ``higher_is_better``; it says which way the mean moved, not whether
    the change is statistically significant (``ci_excludes_zero`` says that).
    """

    n_pairs: int
    mean_difference: float | None = None
    sd_difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    effect_size: float | None = None
    direction: str | None = None

    @property
    def improved(self) -> bool | None:
        if self.direction is None or self.direction == UNCHANGED:
            return None
        return self.direction == IMPROVED

    @property
    def ci_excludes_zero(self) -> bool:
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0


def direction_of(mean_difference: float | None, higher_is_better: bool) -> str | None:
    """Whether a mean difference (later - baseline) is an improvement for this measure."""
    if mean_difference is None:
        return None
    if mean_difference == 0:
        return UNCHANGED
    went_up = mean_difference > 0
    return IMPROVED if went_up == higher_is_better else WORSENED


def paired_differences(baseline: Mapping, later: Mapping) -> np.ndarray:
    """later - baseline for every respondent with a (non-missing) value in both."""
    keys = [k for k, v in later.items() if v is not None and baseline.get(k) is not None]
    return np.asarray([float(later[k]) - float(baseline[k]) for k in keys], dtype=float)


def paired_change_from_differences(
    differences: Sequence[float] | np.ndarray, *, higher_is_better: bool = True
) -> PairedChange:
    """Mean difference, its 95% CI (t distribution) and Cohen's d_z, from the differences."""
    d = np.asarray(differences, dtype=float)
    n = int(d.size)
    if n == 0:
        return PairedChange(n_pairs=0)
    mean = float(np.mean(d))
    direction = direction_of(mean, higher_is_better)
    if n < 2:
        return PairedChange(n_pairs=n, mean_difference=mean, direction=direction)
    sd = float(np.std(d, ddof=1))
    # When every pair changed by the same amount (SD 0) the interval has no
    # width and d_z (mean / 0) does not exist.
    ci_low, ci_high = mean_interval(d)
    return PairedChange(
        n_pairs=n,
        mean_difference=mean,
        sd_difference=sd,
        ci_low=ci_low,
        ci_high=ci_high,
        effect_size=_number(mean / sd) if sd > 0 else None,
        direction=direction,
    )


def paired_change(
    baseline: Mapping, later: Mapping, *, higher_is_better: bool = True
) -> PairedChange:
    """Paired change between two waves, given as {respondent: value} for each wave."""
    return paired_change_from_differences(
        paired_differences(baseline, later), higher_is_better=higher_is_better
    )


# --- The statistics of a unit, as one serialisable structure ----------------------


@dataclass(frozen=True)
class WaveInfo:
    """A measurement wave as the statistics show it (baseline first)."""

    code: str
    label: str
    date: str | None  # ISO date, so that the structure serialises as it is
    is_baseline: bool = False

    @property
    def display_label(self) -> str:
        """The label in the active language: the default waves' labels are stored in
        the language they were created in, and translated when shown."""
        from django.utils.translation import gettext

        return gettext(self.label) if self.label else self.code


@dataclass(frozen=True)
class WaveDescriptives:
    """The descriptives of one measure in one wave."""

    wave_code: str
    stats: Descriptives


@dataclass(frozen=True)
class WaveChange:
    """The paired change of one measure from the baseline to one later wave."""

    wave_code: str
    change: PairedChange


@dataclass(frozen=True)
class MeasureStatistics:
    """Everything computed for one measure: per wave, and the changes from the baseline.

    ``kind`` is the measure type: "numeric", "likert", "yesno" or "text". Text
    measures get only their n per wave and no changes.
    """

    code: str
    label: str
    construct: str
    kind: str
    higher_is_better: bool
    respondent: str
    minimum: float | None
    maximum: float | None
    waves: list[WaveDescriptives] = field(default_factory=list)
    changes: list[WaveChange] = field(default_factory=list)

    @property
    def is_yesno(self) -> bool:
        return self.kind == "yesno"

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def has_data(self) -> bool:
        return any(w.stats.n for w in self.waves)

    def for_wave(self, code: str) -> Descriptives | None:
        return next((w.stats for w in self.waves if w.wave_code == code), None)

    @property
    def latest_change(self) -> WaveChange | None:
        """The change from the baseline to the latest wave that has pairs."""
        return next((c for c in reversed(self.changes) if c.change.n_pairs), None)


@dataclass(frozen=True)
class UnitStatistics:
    """The statistics of one unit: its waves, and per measure the descriptives and changes.

    This is what the statistics page shows and the PDF reports print, so that
    the numbers on screen and on paper are the same. ``to_dict()`` gives plain
    JSON-compatible data (stored with a report as the data it was made from);
    ``from_dict()`` reads it back.
    """

    unit_slug: str
    unit_name: str
    generated_at: str  # ISO datetime
    waves: list[WaveInfo]
    measures: list[MeasureStatistics]
    n_respondents: int

    @property
    def baseline(self) -> WaveInfo | None:
        return next((w for w in self.waves if w.is_baseline), None)

    @property
    def later_waves(self) -> list[WaveInfo]:
        return [w for w in self.waves if not w.is_baseline]

    @property
    def has_data(self) -> bool:
        return any(m.has_data for m in self.measures)

    def measure(self, code: str) -> MeasureStatistics | None:
        return next((m for m in self.measures if m.code == code), None)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> UnitStatistics:
        measures = [
            MeasureStatistics(
                **{
                    **m,
                    "waves": [
                        WaveDescriptives(w["wave_code"], Descriptives(**w["stats"]))
                        for w in m["waves"]
                    ],
                    "changes": [
                        WaveChange(c["wave_code"], PairedChange(**c["change"]))
                        for c in m["changes"]
                    ],
                }
            )
            for m in data["measures"]
        ]
        return cls(
            unit_slug=data["unit_slug"],
            unit_name=data["unit_name"],
            generated_at=data["generated_at"],
            waves=[WaveInfo(**w) for w in data["waves"]],
            measures=measures,
            n_respondents=data["n_respondents"],
        )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


CACHE_SECONDS = 24 * 3600


def unit_statistics(unit, *, use_cache: bool = True) -> UnitStatistics:
    """The statistics of every measure of ``unit`` in every wave, in a constant number of queries.

    Queries, however many measures, waves and respondents: the waves, the
    codebook, a version of the data (count, last id and last change of the
    unit's observations), and - unless that version was computed before and is
    in the cache - the numbers (one ``values_list`` over the unit's
    observations) and the text answers. Everything else is numpy. Any change to
    the data, the codebook or the waves gives a new version, so a cached result
    is never stale.
    """
    from django.core.cache import cache

    from .selectors import unit_measures, unit_waves

    waves = unit_waves(unit)
    measures = unit_measures(unit)
    key = _cache_key(unit, waves, measures) if use_cache else None
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return UnitStatistics.from_dict(cached)
    stats = _compute_statistics(unit, waves, measures)
    if key is not None:
        cache.set(key, stats.to_dict(), CACHE_SECONDS)
    return stats


def _cache_key(unit, waves, measures) -> str:
    import hashlib

    from django.db.models import Count, Max

    from .models import Observation

    version = Observation.objects.filter(unit=unit).aggregate(
        n=Count("id"), last_id=Max("id"), last_change=Max("updated_at")
    )
    signature = repr(
        (
            unit.pk,
            unit.slug,
            unit.name,
            [(w.pk, w.code, w.label, w.date, w.order) for w in waves],
            [
                (
                    m.pk,
                    m.code,
                    m.label,
                    m.construct,
                    m.type,
                    m.min_value,
                    m.max_value,
                    m.higher_is_better,
                    m.respondent,
                )
                for m in measures
            ],
            sorted(version.items()),
        )
    )
    return "research:unit-statistics:" + hashlib.sha256(signature.encode()).hexdigest()


def _compute_statistics(unit, waves, measures) -> UnitStatistics:
    from django.db import connection
    from django.utils import timezone

    from .models import MeasureType, Observation

    base_pos = next((i for i, w in enumerate(waves) if w.code == w.BASELINE), 0 if waves else None)

    numbers_qs = Observation.objects.filter(unit=unit, value_numeric__isnull=False).values_list(
        "measure_id", "wave_id", "respondent", "value_numeric"
    )
    # Run the queryset's own SQL on a plain cursor: for 300,000 values Django's
    # row-by-row iteration would cost more than the query itself.
    sql, params = numbers_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        numbers = cursor.fetchall()
    texts = list(
        Observation.objects.filter(unit=unit, value_numeric__isnull=True)
        .exclude(value_text="")
        .values_list("measure_id", "wave_id", "respondent")
    )

    # Respondent codes become row numbers, waves column numbers.
    respondent_row: dict[str, int] = {}
    wave_pos = {w.pk: i for i, w in enumerate(waves)}
    count = len(numbers)
    r_arr = np.fromiter(
        (respondent_row.setdefault(row[2], len(respondent_row)) for row in numbers),
        dtype=np.int64,
        count=count,
    )
    m_arr = np.fromiter((row[0] for row in numbers), dtype=np.int64, count=count)
    w_arr = np.fromiter((wave_pos.get(row[1], -1) for row in numbers), dtype=np.int64, count=count)
    v_arr = np.fromiter((row[3] for row in numbers), dtype=float, count=count)
    respondent_codes = set(respondent_row)
    respondent_codes.update(r for _m, _w, r in texts)

    text_counts: dict[tuple[int, int], int] = {}
    for m_id, w_id, _r in texts:
        text_counts[(m_id, w_id)] = text_counts.get((m_id, w_id), 0) + 1

    result = []
    for measure in measures:
        kind = measure.type
        wave_stats: list[WaveDescriptives] = []
        changes: list[WaveChange] = []
        if kind == MeasureType.TEXT:
            wave_stats = [
                WaveDescriptives(w.code, Descriptives(n=text_counts.get((measure.pk, w.pk), 0)))
                for w in waves
            ]
        else:
            # One row per respondent, one column per wave, NaN where missing.
            matrix = np.full((len(respondent_row), len(waves)), np.nan)
            sel = (m_arr == measure.pk) & (w_arr >= 0)
            matrix[r_arr[sel], w_arr[sel]] = v_arr[sel]
            summarise = describe_yesno if kind == MeasureType.YESNO else describe
            for j, wave in enumerate(waves):
                column = matrix[:, j]
                wave_stats.append(WaveDescriptives(wave.code, summarise(column[~np.isnan(column)])))
            for j, wave in enumerate(waves):
                if j == base_pos:
                    continue
                diff = matrix[:, j] - matrix[:, base_pos]
                changes.append(
                    WaveChange(
                        wave.code,
                        paired_change_from_differences(
                            diff[~np.isnan(diff)], higher_is_better=measure.higher_is_better
                        ),
                    )
                )
        result.append(
            MeasureStatistics(
                code=measure.code,
                label=measure.label,
                construct=measure.construct,
                kind=str(kind),
                higher_is_better=measure.higher_is_better,
                respondent=str(measure.respondent),
                minimum=measure.min_value,
                maximum=measure.max_value,
                waves=wave_stats,
                changes=changes,
            )
        )

    return UnitStatistics(
        unit_slug=unit.slug,
        unit_name=unit.name,
        generated_at=timezone.now().isoformat(),
        waves=[
            WaveInfo(code=w.code, label=w.label, date=_iso(w.date), is_baseline=i == base_pos)
            for i, w in enumerate(waves)
        ],
        measures=result,
        n_respondents=len(respondent_codes),
    )
