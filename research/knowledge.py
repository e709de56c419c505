"""Which kinds of knowledge a unit drew on, counted where knowledge is used.

Experiential (clients and carers), professional (practice) and scientific (research,
literature): recorded on baseline items (phase 3), goals and action steps (phase 4),
shared practice experiments (phase 5) and coded passages (research). One query per
kind of record for any number of units, so a programme's table costs what one
unit's does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from phases.choices import KnowledgeSource
from phases.models import ActionStep, BaselineItem, Experiment, Goal
from units.choices import Phase

from .selectors import visible_fragments

# Where knowledge is recorded: key, label, the phase it belongs to (None: research).
PLACES = (
    ("baseline_items", _("Baseline assessment items"), Phase.BASELINE),
    ("goals", _("Goals"), Phase.PLAN),
    ("action_steps", _("Action steps"), Phase.PLAN),
    ("experiments", _("Shared practice experiments"), Phase.REALIZATION),
    ("passages", _("Coded passages"), None),
)


@dataclass
class KnowledgeRow:
    """One place: how many records, how many of them name each source, how many a reference.

    A record may name several sources, so the source counts can add up to more than
    ``total``; a record that names none is counted in ``none``."""

    key: str
    label: str
    phase: int | None
    total: int = 0
    sources: Counter = field(default_factory=Counter)
    none: int = 0
    with_reference: int = 0

    def add(self, codes, reference: str) -> None:
        codes = [c for c in codes if c in KnowledgeSource.values]
        self.total += 1
        self.sources.update(set(codes))
        if not codes:
            self.none += 1
        if (reference or "").strip():
            self.with_reference += 1

    @property
    def cells(self) -> list[int]:
        """The counts in the order of the sources (experiential, professional, scientific)."""
        return [self.sources[code] for code in KnowledgeSource.values]

    def to_dict(self) -> dict:
        return {
            "key": self.key,
            "phase": self.phase,
            "total": self.total,
            "sources": {code: self.sources[code] for code in KnowledgeSource.values},
            "none": self.none,
            "with_reference": self.with_reference,
        }


def _empty_rows() -> list[KnowledgeRow]:
    return [KnowledgeRow(key, label, phase) for key, label, phase in PLACES]


def knowledge_by_unit(units, viewer=None) -> dict[int, list[KnowledgeRow]]:
    """{unit id: rows in the order of PLACES} for these units (five queries in all);
    passages as ``viewer`` may see them."""
    units = list(units)
    tables = {u.pk: {r.key: r for r in _empty_rows()} for u in units}
    for unit_id, source, reference in BaselineItem.objects.filter(unit__in=units).values_list(
        "unit_id", "knowledge_source", "knowledge_reference"
    ):
        tables[unit_id]["baseline_items"].add([source], reference)
    for unit_id, sources, reference in Goal.objects.filter(unit__in=units).values_list(
        "unit_id", "knowledge_sources", "knowledge_reference"
    ):
        tables[unit_id]["goals"].add(sources or [], reference)
    for unit_id, sources, reference in ActionStep.objects.filter(goal__unit__in=units).values_list(
        "goal__unit_id", "knowledge_sources", "knowledge_reference"
    ):
        tables[unit_id]["action_steps"].add(sources or [], reference)
    # Private drafts are their author's alone: only shared experiments are counted.
    for unit_id, sources, reference in (
        Experiment.objects.filter(unit__in=units)
        .shared()
        .values_list("unit_id", "knowledge_sources", "knowledge_reference")
    ):
        tables[unit_id]["experiments"].add(sources or [], reference)
    passages = None
    for unit in units:
        visible = visible_fragments(unit, viewer)
        passages = visible if passages is None else passages | visible
    if passages is not None:
        for unit_id, sources, reference in passages.values_list(
            "unit_id", "knowledge_sources", "knowledge_reference"
        ):
            tables[unit_id]["passages"].add(sources or [], reference)
    return {unit_id: list(table.values()) for unit_id, table in tables.items()}


def knowledge_of_unit(unit, viewer=None) -> list[KnowledgeRow]:
    return knowledge_by_unit([unit], viewer)[unit.pk]


def knowledge_totals(rows: list[KnowledgeRow]) -> list[int]:
    """Per source, the records anywhere in the unit that name it."""
    return [sum(r.sources[code] for r in rows) for code in KnowledgeSource.values]


def source_labels() -> list[str]:
    return [str(label) for label in KnowledgeSource.labels]
