"""Programme factors: themes of several units linked as one factor, whether it is common
or contextual (computed from the coding, or set by a researcher with a reason), and its
evidence chain: passages -> the experiments they came from -> their goals -> the measured
change of the measures those goals aim at, per unit.

A factor is *evidenced* in a unit when at least one passage of that unit that may be
seen now (``visible_fragments``: never a private draft) is coded with one of its themes.
Over the units compared: in every one, *common*; in exactly one, *contextual*; in more
than one but not all (2 of 3, say), *shared by some units*; in none, *not evidenced*.
One unit alone says nothing about common or contextual: *shared by some units* then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from phases.models import Experiment, Goal
from units.consent import left_out_memberships, left_out_respondent_codes, left_out_user_ids

from .models import CodedFragment, GoalMeasure, ProgrammeFactor
from .selectors import attach_sources, visible_fragments
from .statistics import unit_statistics

COMMON = ProgrammeFactor.Occurrence.COMMON.value
SOME = ProgrammeFactor.Occurrence.SOME.value
CONTEXTUAL = ProgrammeFactor.Occurrence.CONTEXTUAL.value
NONE = "none"

OCCURRENCE_LABELS = {
    COMMON: _("Common"),
    SOME: _("Shared by some units"),
    CONTEXTUAL: _("Contextual"),
    NONE: _("Not evidenced"),
}


def computed_occurrence(n_evidenced: int, n_units: int) -> str:
    if n_evidenced == 0:
        return NONE
    if n_units < 2:
        return SOME
    if n_evidenced == n_units:
        return COMMON
    if n_evidenced == 1:
        return CONTEXTUAL
    return SOME


@dataclass
class FactorRow:
    """One factor in the table: passages, experiments, goals and measured changes per unit."""

    factor: ProgrammeFactor
    units: list  # the units compared, in order
    passages: dict[int, int] = field(default_factory=dict)  # unit id -> passages
    experiments: dict[int, int] = field(default_factory=dict)
    goals: dict[int, int] = field(default_factory=dict)
    measures: dict[int, int] = field(default_factory=dict)  # measures linked to those goals

    @property
    def n_evidenced(self) -> int:
        return sum(1 for u in self.units if self.passages.get(u.pk))

    @property
    def computed(self) -> str:
        return computed_occurrence(self.n_evidenced, len(self.units))

    @property
    def occurrence(self) -> str:
        """What the table says: the researcher's answer where there is one."""
        return self.factor.override or self.computed

    @property
    def overridden(self) -> bool:
        return bool(self.factor.override) and self.factor.override != self.computed

    @property
    def occurrence_label(self) -> str:
        return str(OCCURRENCE_LABELS[self.occurrence])

    @property
    def computed_label(self) -> str:
        return str(OCCURRENCE_LABELS[self.computed])

    @property
    def per_unit(self) -> list[dict]:
        return [
            {
                "unit": u,
                "passages": self.passages.get(u.pk, 0),
                "experiments": self.experiments.get(u.pk, 0),
                "goals": self.goals.get(u.pk, 0),
                "measures": self.measures.get(u.pk, 0),
            }
            for u in self.units
        ]

    @property
    def passages_total(self) -> int:
        return sum(self.passages.values())

    @property
    def experiments_total(self) -> int:
        return sum(self.experiments.values())

    @property
    def goals_total(self) -> int:
        return sum(self.goals.values())

    @property
    def measures_total(self) -> int:
        return sum(self.measures.values())


def _visible_in(units, viewer=None):
    """The passages of all these units ``viewer`` may see, as one queryset, without those
    of people who declined or withdrew consent (``without_left_out``)."""
    visible = None
    for unit in units:
        qs = visible_fragments(unit, viewer)
        visible = qs if visible is None else visible | qs
    return without_left_out(visible, units)


def left_out_experiments(units):
    """The practice experiments in ``units`` whose author declined or withdrew consent
    in that unit (a subquery): evidence never comes from them, as in the reports."""
    return Experiment.objects.filter(unit__in=units).filter(
        Exists(
            left_out_memberships().filter(
                unit_id=OuterRef("unit_id"), user_id=OuterRef("author_id")
            )
        )
    )


def without_left_out(fragments, units):
    """``fragments`` without the passages of ``left_out_experiments``."""
    return fragments.exclude(
        content_type=ContentType.objects.get_for_model(Experiment),
        object_id__in=left_out_experiments(units).values("pk"),
    )


def factor_table(programme, units, viewer=None) -> list[FactorRow]:
    """Every factor of the programme with its evidence counted in ``units`` (a fixed
    number of queries, whatever the number of factors and passages)."""
    units = list(units)
    factors = list(ProgrammeFactor.objects.filter(programme=programme).order_by("name"))
    rows = {f.pk: FactorRow(factor=f, units=units) for f in factors}
    if not factors or not units:
        return list(rows.values())
    through = CodedFragment.themes.through
    links = list(
        through.objects.filter(
            codedfragment__in=_visible_in(units, viewer), theme__programme_factor__in=factors
        ).values_list(
            "theme__programme_factor_id",
            "codedfragment_id",
            "codedfragment__unit_id",
            "codedfragment__content_type_id",
            "codedfragment__object_id",
        )
    )
    experiment_type = ContentType.objects.get_for_model(Experiment).pk
    passages = defaultdict(set)
    experiments = defaultdict(set)
    for factor_id, fragment_id, unit_id, type_id, object_id in links:
        passages[(factor_id, unit_id)].add(fragment_id)
        if type_id == experiment_type:
            experiments[(factor_id, unit_id)].add(object_id)
    goal_of = dict(
        Experiment.objects.filter(
            pk__in={e for ids in experiments.values() for e in ids}, goal__isnull=False
        ).values_list("pk", "goal_id")
    )
    measures_of = defaultdict(set)
    for goal_id, measure_id in GoalMeasure.objects.filter(
        goal_id__in=set(goal_of.values())
    ).values_list("goal_id", "measure_id"):
        measures_of[goal_id].add(measure_id)
    for (factor_id, unit_id), ids in passages.items():
        row = rows[factor_id]
        row.passages[unit_id] = len(ids)
        goals = {goal_of[e] for e in experiments[(factor_id, unit_id)] if e in goal_of}
        row.experiments[unit_id] = len(experiments[(factor_id, unit_id)])
        row.goals[unit_id] = len(goals)
        row.measures[unit_id] = len({m for g in goals for m in measures_of[g]})
    return list(rows.values())


# --- The evidence chain of one factor --------------------------------------------------------


@dataclass
class MeasuredChange:
    code: str
    label: str
    kind: str
    higher_is_better: bool
    wave_label: str
    change: object | None  # research.statistics PairedChange, or None: no pairs yet


@dataclass
class ChainGoal:
    goal: Goal
    changes: list[MeasuredChange]


@dataclass
class ChainExperiment:
    experiment: Experiment
    passages: int


@dataclass
class UnitChain:
    unit: object
    passages: list[CodedFragment]
    experiments: list[ChainExperiment]
    goals: list[ChainGoal]
    # People who declined or withdrew consent: their passages and values are left out.
    left_out: int = 0


def evidence_chain(factor: ProgrammeFactor, units, viewer=None) -> list[UnitChain]:
    """Per unit: the passages coded with the factor's themes (oldest first, with their
    source), the shared experiments they came from, the goals those serve and the
    measured change of each measure linked to those goals (from the unit's statistics,
    the numbers the statistics page shows). As in the reports, nothing of people who
    declined or withdrew consent: not their experiments' passages, not their values;
    ``left_out`` counts them."""
    chains = []
    experiment_type = ContentType.objects.get_for_model(Experiment)
    for unit in units:
        left_out_people = left_out_user_ids(unit)
        left_out_codes = frozenset(left_out_respondent_codes(unit))
        fragments = list(
            without_left_out(visible_fragments(unit, viewer), [unit])
            .filter(themes__programme_factor=factor)
            .distinct()
            .order_by("created_at", "id")
        )
        attach_sources(fragments, unit)
        per_experiment = defaultdict(int)
        for f in fragments:
            if f.content_type_id == experiment_type.pk:
                per_experiment[f.object_id] += 1
        experiments = list(
            Experiment.objects.filter(unit=unit, pk__in=per_experiment)
            .shared()
            .select_related("goal")
            .order_by("date", "pk")
        )
        goals = {e.goal_id: e.goal for e in experiments if e.goal_id}
        links = defaultdict(list)
        for link in GoalMeasure.objects.filter(goal_id__in=goals).select_related("measure"):
            links[link.goal_id].append(link.measure)
        stats = unit_statistics(unit, leave_out=left_out_codes) if links else None
        chain_goals = []
        for goal in sorted(goals.values(), key=lambda g: (g.order, g.pk)):
            changes = []
            for measure in links.get(goal.pk, []):
                m = stats.measure(measure.code) if stats else None
                latest = m.latest_change if m else None
                wave = stats.wave(latest.wave_code) if latest else None
                changes.append(
                    MeasuredChange(
                        code=measure.code,
                        label=measure.label,
                        kind=measure.type,
                        higher_is_better=measure.higher_is_better,
                        wave_label=wave.display_label if wave else "",
                        change=latest.change if latest else None,
                    )
                )
            chain_goals.append(ChainGoal(goal=goal, changes=changes))
        chains.append(
            UnitChain(
                unit=unit,
                passages=fragments,
                experiments=[ChainExperiment(e, per_experiment[e.pk]) for e in experiments],
                goals=chain_goals,
                left_out=len(left_out_people),
            )
        )
    return chains


def linkable_themes(programme, units):
    """The themes a factor can link: the units' own and the programme's, with their unit."""
    from .models import Theme

    return (
        Theme.objects.filter(Q(unit__in=units) | Q(programme=programme))
        .select_related("unit", "programme_factor")
        .order_by("unit__name", "name")
    )
