"""The statistics of a unit: every measure in every wave, and the changes from the baseline.

``unit_statistics(unit)`` gathers the figures into one :class:`UnitStatistics`,
which is what the statistics page shows and the PDF reports print, and what a
report stores (``to_dict()``) as the data it was made from.

Waves are in time (``Wave.objects.in_time()``: by date, then position). The
baseline is the first wave of kind "baseline" (or, in a unit without one, the
first wave); "change" runs from it to every wave after it in time. A wave before
the baseline (a pilot) has its descriptives but is never a "later" wave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import numpy as np

from .figures import (
    Descriptives,
    PairedChange,
    describe,
    describe_likert,
    describe_yesno,
    paired_change_from_differences,
    paired_yesno_change,
)
from .reading import read_numbers

RULES = 2  # what a stored UnitStatistics means; see UnitStatistics.rules

# Kinds of the default wave codes, for snapshots stored before waves had a kind.
KIND_OF_CODE = {"baseline": "baseline", "intermediary": "intermediary", "final": "final"}


@dataclass(frozen=True)
class WaveInfo:
    """A measurement wave as the statistics show it, in time order.

    ``is_baseline``: the wave changes are measured from; ``is_later``: after the
    baseline in time, so a change is computed to it. ``kind`` is the wave's kind
    (pilot, baseline, intermediary, final, follow_up).
    """

    code: str
    label: str
    date: str | None  # ISO date, so that the structure serialises as it is
    is_baseline: bool = False
    kind: str = ""
    is_later: bool = False

    @property
    def display_label(self) -> str:
        """The label in the active language: the default waves' labels are stored in
        the language they were created in, and translated when shown."""
        from django.utils.translation import gettext

        return gettext(self.label) if self.label else self.code

    @property
    def kind_label(self) -> str:
        from research.models import WaveKind

        try:
            return str(WaveKind(self.kind).label)
        except ValueError:
            return ""


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
    measures get only their n per wave and no changes. ``changes`` are in time
    order, one per wave after the baseline.
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
    def is_likert(self) -> bool:
        return self.kind == "likert"

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def has_data(self) -> bool:
        return any(w.stats.n for w in self.waves)

    def for_wave(self, code: str) -> Descriptives | None:
        return next((w.stats for w in self.waves if w.wave_code == code), None)

    def change_to(self, code: str) -> PairedChange | None:
        return next((c.change for c in self.changes if c.wave_code == code), None)

    @property
    def latest_change(self) -> WaveChange | None:
        """The change from the baseline to the latest wave in time that has pairs."""
        return next((c for c in reversed(self.changes) if c.change.n_pairs), None)

    @property
    def marked(self) -> bool:
        """Whether any change carries the mark (its interval excludes 0)."""
        return any(c.change.ci_excludes_zero for c in self.changes)


@dataclass(frozen=True)
class UnitStatistics:
    """The statistics of one unit: its waves, and per measure the descriptives and changes.

    This is what the statistics page shows and the PDF reports print, so that
    the numbers on screen and on paper are the same. ``to_dict()`` gives plain
    JSON-compatible data (stored with a report as the data it was made from);
    ``from_dict()`` reads it back (also what older versions stored).
    """

    unit_slug: str
    unit_name: str
    generated_at: str  # ISO datetime
    waves: list[WaveInfo]
    measures: list[MeasureStatistics]
    n_respondents: int
    # 2: d_z is signed so that positive means better (version 1 stored later - baseline).
    rules: int = RULES

    @property
    def baseline(self) -> WaveInfo | None:
        return next((w for w in self.waves if w.is_baseline), None)

    @property
    def later_waves(self) -> list[WaveInfo]:
        return [w for w in self.waves if w.is_later]

    def wave(self, code: str) -> WaveInfo | None:
        return next((w for w in self.waves if w.code == code), None)

    def last_wave_of_kind(self, kind: str) -> WaveInfo | None:
        """The latest wave of this kind after the baseline, or None."""
        return next((w for w in reversed(self.later_waves) if w.kind == kind), None)

    @property
    def has_data(self) -> bool:
        return any(m.has_data for m in self.measures)

    @property
    def marked(self) -> bool:
        return any(m.marked for m in self.measures)

    def measure(self, code: str) -> MeasureStatistics | None:
        return next((m for m in self.measures if m.code == code), None)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> UnitStatistics:
        old_sign = data.get("rules", 1) < 2
        measures = [
            MeasureStatistics(
                **{
                    **m,
                    "waves": [
                        WaveDescriptives(w["wave_code"], Descriptives.from_dict(w["stats"]))
                        for w in m["waves"]
                    ],
                    "changes": [
                        WaveChange(
                            c["wave_code"],
                            PairedChange.from_dict(
                                _signed(c["change"], m["higher_is_better"], old_sign),
                                higher_is_better=m["higher_is_better"],
                            ),
                        )
                        for c in m["changes"]
                    ],
                }
            )
            for m in data["measures"]
        ]
        waves = _waves_from_dict(data["waves"])
        later = {w.code for w in waves if w.is_later}
        # A change stored to a wave that is not later (a pilot listed after the baseline by
        # an older version) is not a change from the baseline: leave it out.
        measures = [
            MeasureStatistics(
                **{**asdict_shallow(m), "changes": [c for c in m.changes if c.wave_code in later]}
            )
            for m in measures
        ]
        return cls(
            unit_slug=data["unit_slug"],
            unit_name=data["unit_name"],
            generated_at=data["generated_at"],
            waves=waves,
            measures=measures,
            n_respondents=data["n_respondents"],
        )


def _signed(change: Mapping, higher_is_better: bool, old_sign: bool) -> Mapping:
    """A change stored before d_z was signed "positive is better": flip it where lower is better."""
    if not old_sign or higher_is_better or change.get("effect_size") is None:
        return change
    return {**change, "effect_size": -change["effect_size"]}


def asdict_shallow(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def _waves_from_dict(rows) -> list[WaveInfo]:
    """Waves as stored; those stored before waves had a kind get it from their code,
    and those before ``is_later`` was stored are later when they come after the baseline."""
    waves = []
    seen_baseline = False
    for w in rows:
        kind = w["kind"] if "kind" in w else KIND_OF_CODE.get(w["code"], "intermediary")
        is_later = w.get("is_later", seen_baseline)
        seen_baseline = seen_baseline or w.get("is_baseline", False)
        waves.append(
            WaveInfo(
                code=w["code"],
                label=w["label"],
                date=w.get("date"),
                is_baseline=w.get("is_baseline", False),
                kind=kind,
                is_later=is_later,
            )
        )
    return waves


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


CACHE_SECONDS = 24 * 3600


def baseline_position(waves) -> int | None:
    """The first wave in time of kind baseline; in a unit without one, the first wave."""
    if not waves:
        return None
    return next((i for i, w in enumerate(waves) if w.kind == "baseline"), 0)


@dataclass(frozen=True)
class StatisticsSource:
    """What a unit's statistics are computed from, and the cache key of that version."""

    waves: list
    measures: list
    leave_out: frozenset[str]
    key: str


def statistics_source(unit, *, leave_out: frozenset[str] = frozenset()) -> StatisticsSource:
    """The waves, the codebook and the data version of ``unit`` (three small queries):
    enough to know whether its statistics, or a page made of them, are cached."""
    from ..selectors import data_version, unit_measures, unit_waves

    waves = unit_waves(unit)
    measures = unit_measures(unit)
    leave_out = frozenset(leave_out)
    key = _cache_key(unit, waves, measures, data_version(unit), leave_out)
    return StatisticsSource(waves=waves, measures=measures, leave_out=leave_out, key=key)


def unit_statistics(
    unit,
    *,
    use_cache: bool = True,
    leave_out: frozenset[str] = frozenset(),
    source: StatisticsSource | None = None,
) -> UnitStatistics:
    """The statistics of every measure of ``unit`` in every wave, in a constant number of queries.

    Queries, however many measures, waves and respondents: the waves, the
    codebook, the version of the data (one row, ``DataVersion``: every service
    that writes or deletes values gives it a new token), and - unless that
    version was computed before and is in the cache - the numbers (one query,
    ``reading.read_numbers``) and the text answers.
    Everything else is numpy. A change to the data (through the services), the
    codebook or the waves gives a new key, so a cached result is never stale.

    ``leave_out``: respondent codes whose answers are not counted (people who
    withdrew or declined consent; a report made after that leaves them out).
    ``source``: the ``statistics_source`` already read for this unit, not read again.
    """
    from django.core.cache import cache

    source = source or statistics_source(unit, leave_out=leave_out)
    waves, measures, leave_out = source.waves, source.measures, source.leave_out
    key = source.key if use_cache else None
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return UnitStatistics.from_dict(cached)
    stats = _compute_statistics(unit, waves, measures, leave_out)
    if key is not None:
        cache.set(key, stats.to_dict(), CACHE_SECONDS)
    return stats


def units_statistics(units) -> dict[int, UnitStatistics]:
    """``unit_statistics`` of several units ({unit pk: statistics}) in a constant number
    of queries when they are cached: the waves, the codebooks and the data versions of
    all of them at once, then one read of the cache. A unit whose statistics are not
    cached (the first view of new data) is computed as ``unit_statistics`` does."""
    from django.core.cache import cache

    from ..models import DataVersion, Measure, Wave

    units = list(units)
    if not units:
        return {}
    waves: dict[int, list] = {u.pk: [] for u in units}
    for wave in Wave.objects.filter(unit__in=units).in_time():
        waves[wave.unit_id].append(wave)
    measures: dict[int, list] = {u.pk: [] for u in units}
    for measure in Measure.objects.filter(unit__in=units).order_by("order", "code"):
        measures[measure.unit_id].append(measure)
    versions = dict(DataVersion.objects.filter(unit__in=units).values_list("unit_id", "token"))
    keys = {
        u.pk: _cache_key(
            u, waves[u.pk], measures[u.pk], str(versions[u.pk]) if u.pk in versions else ""
        )
        for u in units
    }
    cached = cache.get_many(list(keys.values()))
    result, computed = {}, {}
    for u in units:
        data = cached.get(keys[u.pk])
        if data is not None:
            result[u.pk] = UnitStatistics.from_dict(data)
        else:
            result[u.pk] = _compute_statistics(u, waves[u.pk], measures[u.pk])
            computed[keys[u.pk]] = result[u.pk].to_dict()
    if computed:
        cache.set_many(computed, CACHE_SECONDS)
    return result


def _cache_key(unit, waves, measures, version: str, leave_out: frozenset[str] = frozenset()) -> str:
    import hashlib

    signature = repr(
        (
            unit.pk,
            unit.slug,
            unit.name,
            [(w.pk, w.code, w.label, w.kind, w.date, w.order) for w in waves],
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
            version,
            sorted(leave_out),
        )
    )
    return "research:unit-statistics:v3:" + hashlib.sha256(signature.encode()).hexdigest()


def _measure_figures(measure, waves, matrix, base_pos):
    """The descriptives per wave and the changes from the baseline of one quantitative measure."""
    from ..models import MeasureType

    kind = measure.type
    if kind == MeasureType.YESNO:
        summarise = describe_yesno
    elif kind == MeasureType.LIKERT:

        def summarise(values):
            return describe_likert(values, minimum=measure.min_value, maximum=measure.max_value)

    else:
        summarise = describe
    wave_stats = []
    for j, wave in enumerate(waves):
        column = matrix[:, j]
        wave_stats.append(WaveDescriptives(wave.code, summarise(column[~np.isnan(column)])))
    changes = []
    if base_pos is None:
        return wave_stats, changes
    base = matrix[:, base_pos]
    n_baseline = int(np.count_nonzero(~np.isnan(base)))
    for j in range(base_pos + 1, len(waves)):
        later = matrix[:, j]
        both = ~np.isnan(base) & ~np.isnan(later)
        counts = {"n_baseline": n_baseline, "n_later": int(np.count_nonzero(~np.isnan(later)))}
        if kind == MeasureType.YESNO:
            change = paired_yesno_change(
                base[both], later[both], higher_is_better=measure.higher_is_better, **counts
            )
        else:
            change = paired_change_from_differences(
                later[both] - base[both],
                higher_is_better=measure.higher_is_better,
                likert=kind == MeasureType.LIKERT,
                **counts,
            )
        changes.append(WaveChange(waves[j].code, change))
    return wave_stats, changes


def _compute_statistics(
    unit, waves, measures, leave_out: frozenset[str] = frozenset()
) -> UnitStatistics:
    from django.utils import timezone

    from ..models import MeasureType, Observation

    base_pos = baseline_position(waves)

    observations = Observation.objects.filter(unit=unit)
    if leave_out:
        observations = observations.exclude(respondent__in=leave_out)
    numbers = read_numbers(observations, waves)
    # Only text measures hold text answers (a measure's type cannot change once it has
    # data): through the measure, the database looks at those alone, not at every value.
    texts = list(
        observations.filter(
            measure__unit=unit, measure__type=MeasureType.TEXT, value_numeric__isnull=True
        )
        .exclude(value_text="")
        .values_list("measure_id", "wave_id", "respondent")
    )
    respondent_codes = set(numbers.respondents)
    respondent_codes.update(r for _m, _w, r in texts)

    text_counts: dict[tuple[int, int], int] = {}
    for m_id, w_id, _r in texts:
        text_counts[(m_id, w_id)] = text_counts.get((m_id, w_id), 0) + 1

    result = []
    for measure in measures:
        if measure.type == MeasureType.TEXT:
            wave_stats = [
                WaveDescriptives(w.code, Descriptives(n=text_counts.get((measure.pk, w.pk), 0)))
                for w in waves
            ]
            changes = []
        else:
            # One row per respondent, one column per wave, NaN where missing.
            matrix = np.full((len(numbers.respondents), len(waves)), np.nan)
            sel = (numbers.measure_ids == measure.pk) & (numbers.wave_positions >= 0)
            matrix[numbers.rows[sel], numbers.wave_positions[sel]] = numbers.values[sel]
            wave_stats, changes = _measure_figures(measure, waves, matrix, base_pos)
        result.append(
            MeasureStatistics(
                code=measure.code,
                label=measure.label,
                construct=measure.construct,
                kind=str(measure.type),
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
            WaveInfo(
                code=w.code,
                label=w.label,
                date=_iso(w.date),
                is_baseline=i == base_pos,
                kind=str(w.kind),
                is_later=base_pos is not None and i > base_pos,
            )
            for i, w in enumerate(waves)
        ],
        measures=result,
        n_respondents=len(respondent_codes),
    )
