"""Comparing the units of a programme: measures by code side by side, and themes
that occur in every unit (candidate common factors) or in one (contextual)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext

from units.access import Perm, programme_access
from units.models import Unit

from .models import CodedFragment, Theme
from .selectors import visible_fragments_in
from .statistics import MeasureStatistics, UnitStatistics, WaveChange, WaveInfo, units_statistics

COMMON = "common"
CONTEXTUAL = "contextual"
SOME = "some"


def research_units_for(user, programme) -> list[Unit]:
    """The programme's units whose research ``user`` may see (every unit for administrators)."""
    return programme_access(user, programme).units_where(Perm.VIEW_RESEARCH)


# The span a comparison prefers, when every unit has it: the final wave first.
SPAN_PREFERENCE = ("final", "follow_up", "intermediary")
KIND_RANK = {"pilot": 0, "baseline": 1, "intermediary": 2, "final": 3, "follow_up": 4}


def span_label(kind: str) -> str:
    """ "Baseline → Final": the span of a change, in the reader's language."""
    from .models import WaveKind

    try:
        to = WaveKind(kind).label
    except ValueError:
        to = kind
    return gettext("%(start)s → %(end)s") % {"start": WaveKind.BASELINE.label, "end": to}


@dataclass(frozen=True)
class Span:
    """Which change a comparison shows for every unit: to the latest wave of ``kind`` (the
    same kind in every unit), or, when the units share no kind, each unit's latest change
    (``same`` False)."""

    kind: str | None
    same: bool
    label: str


def comparable_changes(
    entries: list[tuple[UnitStatistics, MeasureStatistics]],
) -> tuple[Span, list[WaveChange | None]]:
    """Like with like: for one measure code in several units, the change to the same kind
    of wave in each (the final wave if every unit with pairs has one, else the follow-up,
    else an intermediary wave), the latest such wave in time in each unit."""

    def kinds_with_pairs(stats, m):
        return {stats.wave(c.wave_code).kind for c in m.changes if c.change.n_pairs}

    measured = [kinds_with_pairs(s, m) for s, m in entries]
    with_pairs = [k for k in measured if k]
    if not with_pairs:
        return Span(None, True, ""), [None] * len(entries)
    common = set.intersection(*with_pairs)
    kind = next((k for k in SPAN_PREFERENCE if k in common), None)
    if kind is None:
        return Span(None, False, ""), [m.latest_change for _s, m in entries]
    changes = []
    for stats, m in entries:
        changes.append(
            next(
                (
                    c
                    for c in reversed(m.changes)
                    if c.change.n_pairs and stats.wave(c.wave_code).kind == kind
                ),
                None,
            )
        )
    return Span(kind, True, span_label(kind)), changes


@dataclass
class MeasureRow:
    """One unit's figures for a measure code: per wave, and the change the comparison shows."""

    unit: Unit
    measure: MeasureStatistics
    cells: list  # Descriptives or None, one per programme wave
    change: WaveChange | None = None
    change_wave_label: str = ""  # the label of the wave of that change
    change_span: str = ""  # "Baseline → Final"

    @property
    def scale(self) -> tuple:
        return (self.measure.kind, self.measure.minimum, self.measure.maximum)


@dataclass
class MeasureComparison:
    code: str
    label: str
    kind: str
    higher_is_better: bool
    rows: list[MeasureRow] = field(default_factory=list)
    span: Span = field(default_factory=lambda: Span(None, True, ""))

    @property
    def scales_differ(self) -> bool:
        """The same code means a different scale (kind, minimum or maximum) in some unit."""
        return len({row.scale for row in self.rows}) > 1

    @property
    def marked(self) -> bool:
        return any(r.change and r.change.change.ci_excludes_zero for r in self.rows)


@dataclass
class ThemeOccurrence:
    name: str
    units: list[Unit]
    factors: set[str]
    occurrence: str  # common (every unit), contextual (one unit) or some
    n_fragments: int


@dataclass
class ProgrammeComparison:
    programme: object
    units: list[Unit]
    all_units_visible: bool
    waves: list[WaveInfo]
    measures: list[MeasureComparison]
    themes: list[ThemeOccurrence]
    statistics: dict[int, UnitStatistics]

    @property
    def common_themes(self):
        return [t for t in self.themes if t.occurrence == COMMON]

    @property
    def contextual_themes(self):
        return [t for t in self.themes if t.occurrence == CONTEXTUAL]

    @property
    def other_themes(self):
        return [t for t in self.themes if t.occurrence == SOME]

    @property
    def marked(self) -> bool:
        return any(m.marked for m in self.measures)


def programme_waves(statistics: list[UnitStatistics]) -> list[WaveInfo]:
    """The units' waves by code, ordered by kind (pilot, baseline, ..., follow-up), then as
    they come in the units' time order."""
    waves: list[WaveInfo] = []
    for s in statistics:
        for w in s.waves:
            if all(w.code != known.code for known in waves):
                waves.append(w)
    first_seen = {w.code: i for i, w in enumerate(waves)}
    return sorted(waves, key=lambda w: (KIND_RANK.get(w.kind, 2), first_seen[w.code]))


def programme_comparison(user, programme) -> ProgrammeComparison:
    """Everything the comparison page shows, for the units ``user`` may see."""
    units = research_units_for(user, programme)
    n_total = Unit.objects.filter(programme=programme).count()
    stats = units_statistics(units)
    waves = programme_waves(list(stats.values()))

    by_code: dict[str, MeasureComparison] = {}
    for u in units:
        for m in stats[u.pk].measures:
            comparison = by_code.setdefault(
                m.code, MeasureComparison(m.code, m.label, m.kind, m.higher_is_better)
            )
            comparison.rows.append(MeasureRow(u, m, [m.for_wave(w.code) for w in waves]))
    for comparison in by_code.values():
        entries = [(stats[row.unit.pk], row.measure) for row in comparison.rows]
        comparison.span, changes = comparable_changes(entries)
        for row, change in zip(comparison.rows, changes, strict=True):
            if change is None:
                continue
            wave = stats[row.unit.pk].wave(change.wave_code)
            row.change = change
            row.change_wave_label = wave.display_label
            row.change_span = span_label(wave.kind)
    # Measures shared by most units first, then by code.
    measures = sorted(by_code.values(), key=lambda c: (-len(c.rows), c.code))

    return ProgrammeComparison(
        programme=programme,
        units=units,
        all_units_visible=len(units) == n_total,
        waves=waves,
        measures=measures,
        themes=_theme_occurrences(programme, units),
        statistics=stats,
    )


def _theme_occurrences(programme, units: list[Unit]) -> list[ThemeOccurrence]:
    """Themes by name across the units (a unit's own theme and the programme's theme
    with the same name count as one), with the units where passages were coded."""
    if not units:
        return []
    themes = {
        t.pk: t
        for t in Theme.objects.filter(Q(unit__in=units) | Q(programme=programme)).only(
            "pk", "name", "factor"
        )
    }
    through = CodedFragment.themes.through
    # Only passages everyone may see: never one of a private draft or a deleted source.
    rows = through.objects.filter(codedfragment__in=visible_fragments_in(units)).values_list(
        "theme_id", "codedfragment__unit_id"
    )
    found: dict[str, dict] = {}
    for theme_id, unit_id in rows:
        theme = themes.get(theme_id)
        if theme is None:
            continue
        entry = found.setdefault(
            theme.name.casefold(), {"name": theme.name, "units": set(), "factors": set(), "n": 0}
        )
        entry["units"].add(unit_id)
        entry["n"] += 1
        if theme.factor != Theme.Factor.NONE:
            entry["factors"].add(theme.factor)
    result = []
    for entry in found.values():
        n_units = len(entry["units"])
        if len(units) == 1:
            occurrence = SOME  # one unit alone says nothing about common or contextual
        elif n_units == len(units):
            occurrence = COMMON
        elif n_units == 1:
            occurrence = CONTEXTUAL
        else:
            occurrence = SOME
        result.append(
            ThemeOccurrence(
                name=entry["name"],
                units=[u for u in units if u.pk in entry["units"]],
                factors=entry["factors"],
                occurrence=occurrence,
                n_fragments=entry["n"],
            )
        )
    return sorted(result, key=lambda t: (-len(t.units), t.name.casefold()))
