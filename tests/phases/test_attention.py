"""What the dashboard flags: overdue steps, and units where nobody logs experiments."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from phases import services
from phases.selectors import attention_for_units
from units.choices import Phase

from ..factories import (
    ActionStepFactory,
    ExperimentFactory,
    GoalFactory,
    MembershipFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _to_phase(unit, actor, phase, at):
    while unit.phase < phase:
        services.phase_advance(unit=unit, actor=actor, justification="test", at=at)


def test_overdue_open_steps_are_flagged(unit):
    goal = GoalFactory(unit=unit)
    yesterday = timezone.localdate() - timedelta(days=1)
    ActionStepFactory(goal=goal, due_date=yesterday)
    ActionStepFactory(goal=goal, due_date=yesterday, status="in_progress")
    ActionStepFactory(goal=goal, due_date=yesterday, status="done")
    ActionStepFactory(goal=goal, due_date=timezone.localdate())
    assert attention_for_units([unit]) == {unit.pk: ["2 action steps are overdue"]}


def test_a_realizing_unit_without_experiments_for_six_weeks_is_flagged(unit, facilitator):
    long_ago = timezone.now() - timedelta(weeks=10)
    _to_phase(unit, facilitator, Phase.REALIZATION, long_ago)
    assert attention_for_units([unit])[unit.pk] == ["No practice experiments logged for 10 weeks"]
    ExperimentFactory(unit=unit, created_at=timezone.now() - timedelta(weeks=7))
    assert attention_for_units([unit])[unit.pk] == ["No practice experiments logged for 7 weeks"]
    ExperimentFactory(unit=unit, created_at=timezone.now() - timedelta(weeks=2))
    assert attention_for_units([unit])[unit.pk] == []


def test_a_unit_that_just_entered_realization_is_not_flagged(unit, facilitator):
    _to_phase(unit, facilitator, Phase.REALIZATION, timezone.now())
    assert attention_for_units([unit])[unit.pk] == []


def test_units_in_other_phases_are_not_flagged_for_stagnation(unit):
    assert attention_for_units([unit])[unit.pk] == []


def test_attention_costs_three_queries_for_any_number_of_units(
    facilitator, django_assert_num_queries
):
    units = []
    for i in range(6):
        u = UnitFactory()
        MembershipFactory(unit=u, user=facilitator, role="facilitator")
        _to_phase(u, facilitator, 1 + i % 6, timezone.now() - timedelta(weeks=8))
        ActionStepFactory(goal=GoalFactory(unit=u), due_date=timezone.localdate() - timedelta(1))
        units.append(u)
    with django_assert_num_queries(3):
        result = attention_for_units(units[:1])
    with django_assert_num_queries(3):
        result = attention_for_units(units)
    assert all("1 action step is overdue" in result[u.pk] for u in units)
    assert any("No practice experiments" in m for m in result[units[4].pk])


def test_the_dashboard_shows_phase_attention_to_facilitators(unit, facilitator, client_for):
    ActionStepFactory(goal=GoalFactory(unit=unit), due_date=timezone.localdate() - timedelta(3))
    page = client_for(facilitator).get(reverse("units:dashboard")).content.decode()
    # A link to the plan, where the step can be done or moved.
    plan = reverse("phases:plan", args=[unit.slug])
    assert f'<a href="{plan}" class="alert-link">1 action step is overdue</a>' in page


def test_the_unit_page_shows_the_phase_timeline(unit, facilitator, member, client_for):
    services.phase_advance(unit=unit, actor=facilitator, justification="Start")
    page = client_for(member).get(reverse("units:detail", args=[unit.slug])).content.decode()
    assert "Selection of members" in page
    assert 'aria-current="step"' in page
    assert "Still open in phase 2:" in page
    assert "A researcher is a member" in page
