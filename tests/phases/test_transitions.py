"""The six phases: advancing, overriding, refusing and moving back, all recorded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phases import criteria, services
from phases.models import PhaseTransition
from phases.selectors import phase_timeline
from units.choices import Phase

from ..factories import ActionStepFactory, ExperimentFactory, GoalFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_a_unit_walks_through_all_six_phases_when_the_criteria_are_met(
    unit, facilitator, satisfy, own_criteria_only
):
    for phase in range(1, 6):
        assert unit.phase == phase
        satisfy(unit, phase, facilitator)
        assert criteria.unmet_criteria(unit) == []
        services.phase_advance(unit=unit, actor=facilitator)

    unit.refresh_from_db()
    assert unit.phase == Phase.OUTCOMES
    history = list(PhaseTransition.objects.filter(unit=unit))
    assert [(t.from_phase, t.to_phase) for t in history] == [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert all(t.actor == facilitator and t.direction == "advance" for t in history)
    assert all(t.overridden == [] and t.justification == "" for t in history)
    with pytest.raises(services.PhaseTransitionRefused):
        services.phase_advance(unit=unit, actor=facilitator, justification="done")


def test_a_unit_walks_through_all_phases_with_overrides_and_the_history_says_why(
    unit, facilitator, own_criteria_only
):
    for phase in range(1, 6):
        services.phase_advance(
            unit=unit, actor=facilitator, justification=f"Agreed in session {phase}"
        )
    unit.refresh_from_db()
    assert unit.phase == 6
    history = list(PhaseTransition.objects.filter(unit=unit))
    assert len(history) == 5
    first = history[0]
    assert {o["code"] for o in first.overridden} == {"ambition", "project_design"}
    assert first.justification == "Agreed in session 1"
    # Phase 2: the facilitator fixture is a member, so only the researcher and size were missing.
    assert {o["code"] for o in history[1].overridden} == {"researcher", "group_size"}


def test_advance_with_unmet_criteria_and_no_justification_is_refused_with_what_is_missing(
    unit, facilitator, own_criteria_only
):
    with pytest.raises(services.PhaseTransitionRefused) as refused:
        services.phase_advance(unit=unit, actor=facilitator, justification="  ")
    assert [r.code for r in refused.value.missing] == ["ambition", "project_design"]
    text = " ".join(refused.value.messages)
    assert "The ambition is written down" in text
    assert "The project design gives the duration and the research design" in text
    unit.refresh_from_db()
    assert unit.phase == 1
    assert not PhaseTransition.objects.exists()


def test_overriding_only_some_criteria_is_refused(unit, facilitator, own_criteria_only):
    with pytest.raises(services.PhaseTransitionRefused) as refused:
        services.phase_advance(
            unit=unit, actor=facilitator, justification="Later", overrides=["ambition"]
        )
    assert [r.code for r in refused.value.missing] == ["project_design"]


def test_moving_back_is_recorded_with_the_reason(unit, facilitator):
    services.phase_advance(unit=unit, actor=facilitator, justification="Kick-off")
    services.phase_move_back(unit=unit, actor=facilitator, reason="The mandate is not settled")
    unit.refresh_from_db()
    assert unit.phase == 1
    back = PhaseTransition.objects.get(direction="back")
    assert (back.from_phase, back.to_phase, back.justification, back.actor) == (
        2,
        1,
        "The mandate is not settled",
        facilitator,
    )
    with pytest.raises(services.PhaseTransitionRefused):
        services.phase_move_back(unit=unit, actor=facilitator, reason="Cannot go below 1")


def test_moving_back_needs_a_reason(unit, facilitator):
    services.phase_advance(unit=unit, actor=facilitator, justification="Kick-off")
    with pytest.raises(services.PhaseTransitionRefused):
        services.phase_move_back(unit=unit, actor=facilitator, reason="")


def test_a_stale_form_does_not_advance_twice(unit, facilitator):
    services.phase_advance(unit=unit, actor=facilitator, justification="x", expected_phase=1)
    with pytest.raises(services.PhaseTransitionRefused):
        services.phase_advance(unit=unit, actor=facilitator, justification="x", expected_phase=1)
    unit.refresh_from_db()
    assert unit.phase == 2


def test_other_apps_can_register_criteria(unit, facilitator, satisfy, own_criteria_only):
    satisfy(unit, 1, facilitator)

    @criteria.criterion(phase=1, code="test_extra", label=_("An extra criterion"))
    def extra(u):
        return False

    assert [r.code for r in criteria.unmet_criteria(unit)] == ["test_extra"]
    with pytest.raises(services.PhaseTransitionRefused) as refused:
        services.phase_advance(unit=unit, actor=facilitator)
    assert "Not met yet: An extra criterion" in refused.value.messages


def test_the_timeline_shows_dates_entered_and_left_and_the_open_criteria(
    unit, facilitator, own_criteria_only
):
    services.phase_advance(unit=unit, actor=facilitator, justification="x")
    unit.refresh_from_db()
    timeline = phase_timeline(unit)
    first, second = timeline.phases[0], timeline.phases[1]
    assert first.state == "done" and first.left_at is not None
    assert second.state == "current" and second.entered_at == first.left_at
    assert timeline.phases[2].state == "future"
    assert {r.code for r in timeline.open_criteria} == {"researcher", "group_size"}


def test_group_size_outside_7_to_12_passes_with_a_stated_reason(unit, facilitator, researcher):
    assert "group_size" in {r.code for r in criteria.unmet_criteria(unit, 2)}
    services.project_design_save(
        unit=unit, actor=facilitator, group_size_reason="A small pilot with five colleagues."
    )
    assert "group_size" not in {r.code for r in criteria.unmet_criteria(unit, 2)}


# --- Through the browser --------------------------------------------------------


def test_facilitator_advances_from_the_overview(
    unit, facilitator, client_for, satisfy, own_criteria_only
):
    satisfy(unit, 1, facilitator)
    client = client_for(facilitator)
    response = client.post(reverse("phases:advance", args=[unit.slug]), {"expected_phase": 1})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phase == 2


def test_refused_advance_shows_what_is_missing(unit, facilitator, client_for):
    client = client_for(facilitator)
    response = client.post(reverse("phases:advance", args=[unit.slug]), {"expected_phase": 1})
    assert response.status_code == 400
    assert "Not met yet: The ambition is written down" in response.content.decode()
    unit.refresh_from_db()
    assert unit.phase == 1


def test_facilitator_overrides_with_a_justification_in_the_browser(unit, facilitator, client_for):
    client = client_for(facilitator)
    response = client.post(
        reverse("phases:advance", args=[unit.slug]),
        {"expected_phase": 1, "justification": "Ambition agreed orally with management"},
    )
    assert response.status_code == 302
    t = PhaseTransition.objects.get()
    assert t.justification == "Ambition agreed orally with management"
    page = client.get(reverse("phases:overview", args=[unit.slug])).content.decode()
    assert "Ambition agreed orally with management" in page
    assert "The ambition is written down" in page


def test_facilitator_moves_back_in_the_browser(unit, facilitator, client_for):
    services.phase_advance(unit=unit, actor=facilitator, justification="x")
    client = client_for(facilitator)
    response = client.post(
        reverse("phases:move_back", args=[unit.slug]), {"expected_phase": 2, "reason": "Redo"}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phase == 1


def test_only_facilitators_advance_members_get_403_outsiders_404(
    unit, facilitator, member, researcher, outsider, client_for
):
    url = reverse("phases:advance", args=[unit.slug])
    data = {"expected_phase": 1, "justification": "x"}
    assert client_for(member).post(url, data).status_code == 403
    assert client_for(researcher).post(url, data).status_code == 403
    assert client_for(outsider).post(url, data).status_code == 404
    assert client_for(outsider).get(reverse("phases:overview", args=[unit.slug])).status_code == 404
    unit.refresh_from_db()
    assert unit.phase == 1
    assert client_for(facilitator).post(url, data).status_code == 302


def test_member_reads_the_overview_without_the_buttons(unit, member, client_for):
    response = client_for(member).get(reverse("phases:overview", args=[unit.slug]))
    assert response.status_code == 200
    assert reverse("phases:advance", args=[unit.slug]) not in response.content.decode()


def test_overview_queries_stay_constant_as_the_history_grows(
    unit, facilitator, client_for, django_assert_num_queries, own_criteria_only
):
    client = client_for(facilitator)
    url = reverse("phases:overview", args=[unit.slug])
    services.phase_advance(unit=unit, actor=facilitator, justification="x")
    client.get(url)
    # session, user, unit, membership, transitions (+ actors), the three criteria of
    # phase 2 and the project design, the session save, and the request's savepoints.
    with django_assert_num_queries(15):
        client.get(url)
    for _i in range(3):
        services.phase_move_back(unit=unit, actor=facilitator, reason="again")
        services.phase_advance(unit=unit, actor=facilitator, justification="x")
    with django_assert_num_queries(15):
        client.get(url)


def test_history_page_is_for_facilitators(unit, facilitator, member, client_for):
    services.phase_advance(unit=unit, actor=facilitator, justification="Started")
    goal = services.goal_create(unit=unit, text="Fewer lonely elderly")
    services.goal_update(goal=goal, text="Fewer lonely elderly in Oost")
    url = reverse("phases:history", args=[unit.slug])
    assert client_for(member).get(url).status_code == 403
    page = client_for(facilitator).get(url).content.decode()
    assert "Fewer lonely elderly in Oost" in page
    assert "Phase 1 → 2" in page
    assert "Started" in page


def test_history_page_queries_stay_constant(
    unit, facilitator, member, client_for, django_assert_num_queries
):
    def grow(n):
        for _i in range(n):
            goal = GoalFactory(unit=unit)
            step = ActionStepFactory(goal=goal, owner=member)
            services.action_step_set_status(step=step, actor=member, status="done")
            ExperimentFactory(unit=unit, author=member)
            services.phase_advance(unit=unit, actor=facilitator, justification="x")
            services.phase_move_back(unit=unit, actor=facilitator, reason="y")

    grow(1)
    client = client_for(facilitator)
    url = reverse("phases:history", args=[unit.slug])
    # session, user, unit, membership, goal/step/experiment histories (+ users),
    # transitions (+ actors), the session save and the request's savepoints.
    with django_assert_num_queries(14):
        client.get(url)
    grow(5)
    with django_assert_num_queries(14):
        client.get(url)


def test_sessions_still_to_come_move_with_the_unit_into_its_new_phase(unit, facilitator):
    held = SessionFactory(unit=unit, phase=1, starts_at=timezone.now() - timedelta(days=7))
    planned = SessionFactory(unit=unit, phase=1, starts_at=timezone.now() + timedelta(days=7))
    services.phase_advance(unit=unit, actor=facilitator, justification="Kick-off")
    held.refresh_from_db()
    planned.refresh_from_db()
    assert (held.phase, planned.phase) == (1, 2)
