"""Comparing the units of a programme: measures by code side by side, and themes
that occur in every unit (candidate common factors) or in one (contextual)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from units.access import Perm, programme_access
from units.models import Unit

from .models import CodedFragment, Theme
from .statistics import MeasureStatistics, UnitStatistics, WaveChange, WaveInfo, unit_statistics

COMMON = "common"
CONTEXTUAL = "contextual"
SOME = "some"


def research_units_for(user, programme) -> list[Unit]:
    """The programme's units whose research ``user`` may see (every unit for administrators)."""
    return programme_access(user, programme).units_where(Perm.VIEW_RESEARCH)


@dataclass
class MeasureRow:
    """One unit's figures for a measure code: per wave, and the last change from baseline."""

    unit: Unit
    measure: MeasureStatistics
    cells: list  # Descriptives or None, one per programme wave
    change: WaveChange | None = None  # the latest change from the baseline
    change_wave_label: str = ""  # the label of the wave of that change


@dataclass
class MeasureComparison:
    code: str
    label: str
    kind: str
    higher_is_better: bool
    rows: list[MeasureRow] = field(default_factory=list)


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


def programme_comparison(user, programme) -> ProgrammeComparison:
    """Everything the comparison page shows, for the units ``user`` may see."""
    units = research_units_for(user, programme)
    n_total = Unit.objects.filter(programme=programme).count()
    stats = {u.pk: unit_statistics(u) for u in units}

    waves: list[WaveInfo] = []
    for s in stats.values():
        for w in s.waves:
            if all(w.code != known.code for known in waves):
                waves.append(w)

    label_of = {w.code: w.display_label for w in waves}
    by_code: dict[str, MeasureComparison] = {}
    for u in units:
        for m in stats[u.pk].measures:
            comparison = by_code.setdefault(
                m.code, MeasureComparison(m.code, m.label, m.kind, m.higher_is_better)
            )
            change = m.latest_change
            comparison.rows.append(
                MeasureRow(
                    u,
                    m,
                    [m.for_wave(w.code) for w in waves],
                    change=change,
                    change_wave_label=label_of.get(change.wave_code, "") if change else "",
                )
            )
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
    rows = through.objects.filter(codedfragment__unit__in=units).values_list(
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
