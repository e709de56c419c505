"""A report says what a goal aims at by the measures' names, never by a bare code."""

import pytest

from reports.models import Kind
from reports.snapshot import unit_snapshot
from research.models import GoalMeasure

from ..factories import GoalFactory
from ..research.analysis_data import make_measure

pytestmark = pytest.mark.django_db


def _aims(unit):
    return {g["text"]: g["measures"] for g in unit_snapshot(unit, Kind.FINAL)["plan"]["goals"]}


def test_a_goal_aims_at_its_linked_measures_or_at_the_measure_its_text_names(unit):
    loneliness = make_measure(unit, "ucla", label="UCLA loneliness")
    network = make_measure(unit, "network", label="Has a supportive network")
    linked = GoalFactory(unit=unit, text="Fewer lonely evenings", target="")
    GoalMeasure.objects.create(goal=linked, measure=loneliness)
    GoalMeasure.objects.create(goal=linked, measure=network)
    GoalFactory(unit=unit, text="Neighbours know each other", target="network")
    GoalFactory(unit=unit, text="A shared language", target="shared vocabulary")

    assert _aims(unit) == {
        # in the codebook's order
        "Fewer lonely evenings": ["Has a supportive network", "UCLA loneliness"],
        "Neighbours know each other": ["Has a supportive network"],
        "A shared language": [],
    }
