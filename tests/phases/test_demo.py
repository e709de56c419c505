"""The demo: each unit reaches its phase through the transition service, twice is once."""

import pytest

from phases import demo as phases_demo
from phases.models import Experiment, PhaseTransition, PlanVersion
from units import demo as units_demo

pytestmark = pytest.mark.django_db


def _seed():
    demo = units_demo.Demo()
    units_demo.seed(demo)
    phases_demo.seed(demo)
    return demo


def test_demo_units_reach_their_phase_with_content_and_seeding_twice_changes_nothing():
    demo = _seed()
    for slug, unit in demo.units.items():
        unit.refresh_from_db()
        assert unit.phase == demo.target_phase[slug]
        assert unit.phase_transitions.count() == unit.phase - 1
    eindhoven = demo.units["eindhoven-ervaringsdeskundigheid"]
    assert list(eindhoven.plan_versions.values_list("number", flat=True)) == [1, 2]
    assert eindhoven.plan_versions.get(number=2).reason
    assert eindhoven.experiments.filter(visibility="shared").count() >= 5
    assert demo.units["tilburg-eenzaamheid"].baseline_items.count() >= 2
    assert not demo.units["utrecht-mantelzorg"].goals.exists()
    # Transitions follow the calendar: each later than the one before.
    times = list(eindhoven.phase_transitions.values_list("at", flat=True))
    assert times == sorted(times)

    counts = (
        PhaseTransition.objects.count(),
        PlanVersion.objects.count(),
        Experiment.objects.count(),
    )
    again = _seed()
    assert (
        PhaseTransition.objects.count(),
        PlanVersion.objects.count(),
        Experiment.objects.count(),
    ) == counts
    assert again.log == []
