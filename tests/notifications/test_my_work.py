"""The dashboard's "My work": my steps (overdue first), drafts, new responses, next session."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from phases import services as phases
from tests.factories import (
    ActionStepFactory,
    ExperimentFactory,
    GoalFactory,
    SessionFactory,
    UnitFactory,
)
from units import services as units

pytestmark = pytest.mark.django_db


def _page(client):
    return client.get(reverse("units:dashboard")).content.decode()


def test_my_work_shows_what_waits_for_me(client_for, unit, member, service_user):
    today = timezone.localdate()
    goal = GoalFactory(unit=unit)
    ActionStepFactory(goal=goal, owner=member, what="Later step", due_date=today + timedelta(9))
    ActionStepFactory(goal=goal, owner=member, what="Late step", due_date=today - timedelta(2))
    ActionStepFactory(goal=goal, owner=service_user, what="Not mine")
    ExperimentFactory(unit=unit, author=member, title="My secret draft", visibility="draft")
    ExperimentFactory(unit=unit, author=service_user, title="Their draft", visibility="draft")
    mine = ExperimentFactory(unit=unit, author=member, title="Shared one")
    phases.experiment_comment_create(experiment=mine, author=service_user, text="Nice")
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=2))
    client = client_for(member)
    page = _page(client)
    assert "My work" in page
    assert page.index("Late step") < page.index("Later step")
    assert "Not mine" not in page
    assert "My secret draft" in page and "Their draft" not in page
    assert "responded to your experiment" in page
    assert "Are you coming?" in page
    units.rsvp_set(session=session, user=member, answer="maybe")
    assert "Your answer: Maybe" in _page(client)


def test_my_work_leaves_out_units_i_left(client_for, member):
    other = UnitFactory()
    from tests.factories import MembershipFactory

    MembershipFactory(unit=other, user=member, left_on=timezone.localdate())
    ActionStepFactory(goal=GoalFactory(unit=other), owner=member, what="From before")
    SessionFactory(unit=other, starts_at=timezone.now() + timedelta(days=2))
    page = _page(client_for(member))
    assert "From before" not in page and "Are you coming?" not in page


def test_my_work_costs_the_same_queries_however_much_there_is(
    client_for, unit, member, facilitator, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(member)
    with CaptureQueriesContext(connection) as few:
        _page(client)
    goal = GoalFactory(unit=unit)
    for i in range(8):
        ActionStepFactory(goal=goal, owner=member, due_date=timezone.localdate() + timedelta(i))
        ExperimentFactory(unit=unit, author=member, visibility="draft")
        experiment = ExperimentFactory(unit=unit, author=member)
        phases.experiment_comment_create(experiment=experiment, author=facilitator, text="Yes")
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=3))
    with django_assert_num_queries(len(few)):
        assert _page(client).count('class="mb-2"') == 5 + 5 + 5 + 1
