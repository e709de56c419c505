"""The plan of action: goals, steps, approved versions that never change, and diffs."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from phases import services
from phases.models import ActionStep, PlanVersion
from phases.selectors import plan_diff

from ..factories import ActionStepFactory, GoalFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(unit):
    return services.goal_create(unit=unit, text="Recognise loneliness at the first visit")


def test_approving_freezes_the_plan_as_version_1(unit, facilitator, goal):
    step = services.action_step_create(goal=goal, what="Use the guide", owner=facilitator)
    v1 = services.plan_approve(unit=unit, actor=facilitator)
    assert (v1.number, v1.approved_by, v1.reason) == (1, facilitator, "")
    assert v1.snapshot["goals"][0]["steps"][0]["what"] == "Use the guide"

    services.action_step_update(step=step, what="Use the guide in every first visit")
    v1.refresh_from_db()
    assert v1.snapshot["goals"][0]["steps"][0]["what"] == "Use the guide"


def test_an_approved_version_cannot_be_changed(unit, facilitator, goal):
    v1 = services.plan_approve(unit=unit, actor=facilitator)
    v1.reason = "Rewritten afterwards"
    with pytest.raises(ValidationError):
        v1.save()
    assert PlanVersion.objects.get().reason == ""


def test_there_is_no_page_to_edit_a_version(unit, facilitator, goal, client_for):
    services.plan_approve(unit=unit, actor=facilitator)
    client = client_for(facilitator)
    url = reverse("phases:plan_version", args=[unit.slug, 1])
    assert client.get(url).status_code == 200
    # The version page only reads: a post to it is refused and changes nothing.
    assert client.post(url, {"reason": "x"}).status_code == 405
    assert PlanVersion.objects.get().reason == ""


def test_the_next_version_needs_a_reason_and_a_change(unit, facilitator, goal):
    services.plan_approve(unit=unit, actor=facilitator)
    with pytest.raises(ValidationError) as no_reason:
        services.plan_approve(unit=unit, actor=facilitator)
    assert "Say why the plan changed since version 1." in no_reason.value.messages
    with pytest.raises(ValidationError) as no_change:
        services.plan_approve(unit=unit, actor=facilitator, reason="Nothing really")
    assert "Nothing changed since version 1" in no_change.value.messages[0]
    services.goal_create(unit=unit, text="Follow up after four weeks")
    v2 = services.plan_approve(unit=unit, actor=facilitator, reason="Intermediary report")
    assert (v2.number, v2.reason) == (2, "Intermediary report")


def test_a_plan_without_goals_cannot_be_approved(unit, facilitator):
    with pytest.raises(ValidationError):
        services.plan_approve(unit=unit, actor=facilitator)


def test_diff_names_goals_and_steps_added_removed_and_changed(unit, facilitator, goal, member):
    kept = services.action_step_create(goal=goal, what="Keep", owner=facilitator)
    dropped = services.action_step_create(goal=goal, what="Drop me")
    old_goal = services.goal_create(unit=unit, text="Old goal")
    v1 = services.plan_approve(unit=unit, actor=facilitator)

    services.action_step_update(step=kept, owner=member, status=ActionStep.Status.DONE)
    services.action_step_delete(step=dropped)
    services.goal_delete(goal=old_goal)
    services.goal_update(goal=goal, text="Recognise loneliness in every visit")
    new_goal = services.goal_create(unit=unit, text="New goal")
    services.action_step_create(goal=new_goal, what="New step")
    v2 = services.plan_approve(unit=unit, actor=facilitator, reason="Report")

    diff = plan_diff(v1.snapshot, v2.snapshot)
    assert [g["text"] for g in diff.goals_added] == ["New goal"]
    assert [g["text"] for g in diff.goals_removed] == ["Old goal"]
    assert [(old["text"], new["text"]) for old, new, _f in diff.goals_changed] == [
        ("Recognise loneliness at the first visit", "Recognise loneliness in every visit")
    ]
    assert [s["what"] for _g, s in diff.steps_added] == ["New step"]
    assert [s["what"] for _g, s in diff.steps_removed] == ["Drop me"]
    assert [(s["what"], fields) for _g, _o, s, fields in diff.steps_changed] == [
        ("Keep", ["who", "status"])
    ]
    assert plan_diff(v2.snapshot, v2.snapshot).is_empty


def test_the_compare_page_shows_the_changes_to_every_member(
    unit, facilitator, member, outsider, goal, client_for
):
    services.plan_approve(unit=unit, actor=facilitator)
    services.goal_create(unit=unit, text="Invite carers to the first talk")
    services.plan_approve(unit=unit, actor=facilitator, reason="Carers asked for it")
    url = reverse("phases:plan_compare", args=[unit.slug]) + "?a=1&b=2"
    page = client_for(member).get(url).content.decode()
    assert "Invite carers to the first talk" in page
    assert "Carers asked for it" in page
    assert client_for(outsider).get(url).status_code == 404
    draft = client_for(member).get(url.replace("b=2", "b=draft"))
    assert draft.status_code == 200
    assert client_for(member).get(url.replace("b=2", "b=9")).status_code == 404


def test_facilitator_builds_and_approves_the_plan_in_the_browser(unit, facilitator, client_for):
    client = client_for(facilitator)
    r = client.post(
        reverse("phases:goal_create", args=[unit.slug]),
        {"text": "Ask every client about loneliness", "target": "DJG-11", "order": 1},
    )
    assert r.status_code == 302
    goal = unit.goals.get()
    r = client.post(
        reverse("phases:step_create", args=[unit.slug, goal.pk]),
        {
            "what": "Try the guide",
            "owner": facilitator.pk,
            "due_date": "2030-01-31",
            "status": "open",
        },
    )
    assert r.status_code == 302
    r = client.post(reverse("phases:plan_approve", args=[unit.slug]), {"reason": ""})
    assert r.status_code == 302
    assert unit.plan_versions.get().number == 1
    page = client.get(reverse("phases:plan", args=[unit.slug])).content.decode()
    assert "Version 1 was approved" in page


def test_step_owner_must_be_a_member(unit, facilitator, goal, outsider, client_for):
    with pytest.raises(ValidationError):
        services.action_step_create(goal=goal, what="x", owner=outsider)
    r = client_for(facilitator).post(
        reverse("phases:step_create", args=[unit.slug, goal.pk]),
        {"what": "x", "owner": outsider.pk, "status": "open"},
    )
    assert r.status_code == 200
    assert not ActionStep.objects.exists()


def test_members_update_the_status_of_their_own_steps_only(
    unit, facilitator, member, goal, client_for
):
    other = MembershipFactory(unit=unit).user
    mine = ActionStepFactory(goal=goal, owner=member)
    theirs = ActionStepFactory(goal=goal, owner=other)
    client = client_for(member)
    r = client.post(reverse("phases:step_status", args=[unit.slug, mine.pk]), {"status": "done"})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "done"

    r = client.post(reverse("phases:step_status", args=[unit.slug, theirs.pk]), {"status": "done"})
    assert r.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "open"
    # Editing a step (what, who, when) is the facilitator's.
    assert client.get(reverse("phases:step_edit", args=[unit.slug, mine.pk])).status_code == 403
    assert client.post(reverse("phases:step_delete", args=[unit.slug, mine.pk])).status_code == 403

    with pytest.raises(PermissionDenied):
        services.action_step_set_status(step=theirs, actor=member, status="done")
    r = client_for(facilitator).post(
        reverse("phases:step_status", args=[unit.slug, theirs.pk]), {"status": "in_progress"}
    )
    assert r.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == "in_progress"


def test_outsiders_get_404_and_managers_only_read(unit, manager, outsider, goal, client_for):
    step = ActionStepFactory(goal=goal, owner=manager)
    assert client_for(outsider).get(reverse("phases:plan", args=[unit.slug])).status_code == 404
    assert client_for(manager).get(reverse("phases:plan", args=[unit.slug])).status_code == 200
    url = reverse("phases:step_status", args=[unit.slug, step.pk])
    assert client_for(manager).post(url, {"status": "done"}).status_code == 403
    assert client_for(outsider).post(url, {"status": "done"}).status_code == 404


def test_plan_page_queries_stay_constant_as_goals_and_steps_grow(
    unit, facilitator, member, client_for, django_assert_num_queries
):
    def grow(n):
        for _i in range(n):
            g = GoalFactory(unit=unit)
            for _j in range(3):
                ActionStepFactory(
                    goal=g, owner=member, due_date=timezone.localdate() - timedelta(days=1)
                )

    grow(1)
    services.plan_approve(unit=unit, actor=facilitator)
    client = client_for(facilitator)
    url = reverse("phases:plan", args=[unit.slug])
    # session, user, savepoint, unit, membership, goals, steps (+ owners), versions
    # (+ approver), savepoint release, session save (savepoint, update, release).
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200
    grow(10)
    with django_assert_num_queries(13):
        page = client.get(url).content.decode()
    assert page.count("overdue") >= 33


def test_a_versions_due_dates_are_in_the_locales_format_not_iso(
    unit, facilitator, goal, client_for
):
    services.action_step_create(
        goal=goal, what="Use the guide", owner=facilitator, due_date=date(2026, 11, 24)
    )
    services.plan_approve(unit=unit, actor=facilitator)
    url = reverse("phases:plan_version", args=[unit.slug, 1])
    page = client_for(facilitator).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "24 Nov 2026" in page
    assert "2026-11-24" not in page


def test_a_long_goal_in_a_heading_is_cut_at_a_word_with_an_ellipsis(unit, facilitator, client_for):
    long_goal = services.goal_create(
        unit=unit,
        text="Every professional asks about loneliness at the first visit and writes down "
        "what the person answers in their own words",
    )
    url = reverse("phases:step_create", args=[unit.slug, long_goal.pk])
    page = client_for(facilitator).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    heading = "New action step: Every professional asks about loneliness at the first visit and…"
    assert f'<h1 class="h3">{heading}</h1>' in page
