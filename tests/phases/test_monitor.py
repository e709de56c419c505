"""The learning monitor on made-up histories: each gives the signals and run-chart
flags it should, and none it should not; and it reads any number of units at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from phases.monitor import unit_signals

from . import monitor_histories as h

pytestmark = pytest.mark.django_db


def _flags(s):
    return [(f.series, f.rule, f.direction, f.length) for f in s.run_flags]


def _kinds(s):
    return [(item.urgency, item.kind) for item in s.items]


def test_healthy_unit_gives_no_warning_and_no_run_flag():
    unit = h.healthy()
    s = unit_signals([unit])[unit.pk]
    assert s.counted_members == 7  # the manager and the researcher do not count
    # The last three sessions (months 12, 13, 14): 7, 6 and 7 of 7 present.
    assert s.attendance_recent == pytest.approx((1 + 6 / 7 + 1) / 3)
    assert s.recent_unanswered == 0
    assert s.recent_closed == s.recent_logged
    assert s.days_since_shared < 42
    assert (s.steps_done, s.steps_overdue, s.steps_open) == (3, 0, 1)
    assert s.knowledge_sources == [("Professional (practice)", s.recent_logged)]
    assert s.dropping == []
    assert _flags(s) == []
    assert s.items == []


def test_unit_stalling_after_phase_4_gives_its_warnings_and_the_attendance_shift_and_trend():
    unit = h.stalling()
    s = unit_signals([unit])[unit.pk]
    assert [t.to_phase for t in s.transitions] == [2, 3, 4, 5]
    assert s.recent_logged == 0
    assert s.experiments_per_member_month == 0
    assert s.days_since_shared > 150
    assert (s.steps_done, s.steps_overdue) == (1, 2)
    # Attendance: 7 of 7 until month 7, then 6, 5, 4 and 3 of 7.
    assert _flags(s) == [("attendance", "shift", "down", 6), ("attendance", "trend", "down", 5)]
    assert all(f.is_warning for f in s.run_flags)
    assert s.run_flags[0].start == h.month_start(8)
    assert s.run_flags[1].start == h.month_start(7)
    # Four members were present at fewer than two of the last three sessions.
    assert len(s.dropping) == 4
    # Most urgent first; within the same urgency the oldest first (the members' without a date).
    assert _kinds(s) == [
        (3, "step"),
        (3, "step"),
        (3, "member"),
        (3, "member"),
        (3, "member"),
        (3, "member"),
        (2, "run"),
        (2, "run"),
        (2, "silence"),
        (2, "rate"),
    ]


def test_member_dropping_away_is_named_and_nothing_else_is_flagged():
    unit, leaving = h.member_drops_away()
    s = unit_signals([unit])[unit.pk]
    assert s.dropping == [leaving]
    assert _flags(s) == []
    assert _kinds(s) == [(3, "member")]
    assert leaving.user.get_full_name() in s.items[0].text
    # The attendance dropped by one person of seven: under the 15-point warning.
    assert round((s.attendance_before - s.attendance_recent) * 100) == 14


def test_a_unit_still_in_its_first_phases_has_no_experiment_warnings():
    unit = h.healthy()
    unit.phase = 3
    s = unit_signals([unit])[unit.pk]
    assert [i.kind for i in s.items if i.kind in {"silence", "rate", "unanswered", "cycle"}] == []


def test_signals_cost_the_same_queries_for_one_unit_as_for_many():
    one = [h.healthy("One")]
    with CaptureQueriesContext(connection) as first:
        unit_signals(one)
    many = one + [h.stalling(f"S{i}") for i in range(3)] + [h.member_drops_away("D")[0]]
    with CaptureQueriesContext(connection) as second:
        unit_signals(many)
    # memberships, sessions, attendance, experiments, responses, steps, transitions, reports
    assert len(first) == len(second) == 8


def test_the_unit_monitor_page_shows_the_run_chart_and_the_flags_in_words(client_for):
    unit = h.stalling()
    facilitator = unit.memberships.get(role="facilitator").user
    response = client_for(facilitator).get(reverse("phases:monitor", kwargs={"slug": unit.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "Shift: attendance below its median for 6 months in a row" in page
    assert "Trend: attendance falling 5 months in a row" in page
    assert "Needs attention now" in page


def test_a_manager_sees_the_signals_but_not_the_facilitators_list(client_for):
    unit = h.stalling()
    manager = unit.memberships.get(role="manager").user
    response = client_for(manager).get(reverse("phases:monitor", kwargs={"slug": unit.slug}))
    assert response.status_code == 200
    assert "Needs attention now" not in response.content.decode()


def _units_with_some_history(n, programme, person, role):
    from tests.factories import (
        AttendanceFactory,
        ExperimentCommentFactory,
        ExperimentFactory,
        MembershipFactory,
        SessionFactory,
        UnitFactory,
    )

    for _i in range(n):
        unit = UnitFactory(programme=programme, phase=5)
        MembershipFactory(unit=unit, user=person, role=role)
        others = [MembershipFactory(unit=unit).user for _j in range(3)]
        for days in (60, 30):
            session = SessionFactory(
                unit=unit, starts_at=timezone.now() - timedelta(days=days), phase=5
            )
            for other in others:
                AttendanceFactory(session=session, user=other)
        experiment = ExperimentFactory(unit=unit, author=others[0])
        ExperimentCommentFactory(experiment=experiment, author=others[1])


def test_the_programme_monitor_costs_the_same_queries_for_one_unit_or_fifty(
    client_for, django_assert_num_queries
):
    from tests.factories import ProgrammeFactory, UserFactory

    programme, manager = ProgrammeFactory(), UserFactory()
    url = reverse("monitor:programme", kwargs={"slug": programme.slug})
    c = client_for(manager)
    _units_with_some_history(1, programme, manager, "manager")
    with CaptureQueriesContext(connection) as one:
        response = c.get(url)
    assert len(response.context["rows"]) == 1
    _units_with_some_history(49, programme, manager, "manager")
    with django_assert_num_queries(len(one)):
        response = c.get(url)
    assert len(response.context["rows"]) == 50


def test_my_monitor_costs_the_same_queries_for_one_unit_or_fifty(
    client_for, django_assert_num_queries
):
    from tests.factories import UserFactory

    facilitator = UserFactory()
    c = client_for(facilitator)
    _units_with_some_history(1, None, facilitator, "facilitator")
    with CaptureQueriesContext(connection) as one:
        response = c.get(reverse("monitor:mine"))
    assert len(response.context["facilitated"]) == 1
    _units_with_some_history(49, None, facilitator, "facilitator")
    with django_assert_num_queries(len(one)):
        response = c.get(reverse("monitor:mine"))
    assert len(response.context["facilitated"]) == 50


def test_a_manager_sees_the_programme_monitor_of_their_units_only(client_for):
    from tests.factories import MembershipFactory, ProgrammeFactory, UnitFactory, UserFactory

    programme, manager = ProgrammeFactory(), UserFactory()
    mine = UnitFactory(programme=programme, name="Mine")
    UnitFactory(programme=programme, name="Not mine")
    MembershipFactory(unit=mine, user=manager, role="manager")
    response = client_for(manager).get(
        reverse("monitor:programme", kwargs={"slug": programme.slug})
    )
    assert [s.unit for s in response.context["rows"]] == [mine]
    # Read-only: the page offers no form to change anything.
    assert "<form" not in response.content.decode().split("<main", 1)[1]


def test_the_demo_has_one_stalling_unit_that_the_dashboard_shows_at_a_glance(client_for):
    from phases import demo as phases_demo
    from phases import demo_monitor
    from units import demo as units_demo
    from units.models import Unit

    demo = units_demo.Demo()
    units_demo.seed(demo)
    phases_demo.seed(demo)
    demo_monitor.seed(demo)
    demo_monitor.seed(demo)  # twice is once
    stalling = Unit.objects.get(name=demo_monitor.SLUG_NAME)
    s = unit_signals([stalling])[stalling.pk]
    assert stalling.phase == 5
    assert [(f.series, f.rule, f.direction) for f in s.run_flags] == [
        ("attendance", "shift", "down")
    ]
    dropping = [m.user.email for m in s.dropping]
    assert "wijkteam4@example.org" in dropping
    rows = client_for(demo.people["facilitator@example.org"]).get(reverse("units:dashboard"))
    attention = {row.unit.pk: row.attention for row in rows.context["rows"]}[stalling.pk]
    # Fatima reads Dutch (her account's language).
    assert any(
        text.startswith("Verschuiving: aanwezigheid 6 maanden achter elkaar onder de mediaan")
        for text in attention
    ), attention


def test_the_intermediary_report_carries_the_run_chart_and_its_flags_in_words():
    from reports.presenting import unit_context
    from reports.snapshot import unit_snapshot

    unit = h.stalling()
    snapshot = unit_snapshot(unit, "intermediary")
    assert [(f["series"], f["rule"]) for f in snapshot["monitor"]["flags"]] == [
        ("attendance", "shift"),
        ("attendance", "trend"),
    ]
    monitor = unit_context("intermediary", snapshot)["monitor"]
    assert monitor["chart"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert [f.text.split(":")[0] for f in monitor["flags"]] == ["Shift", "Trend"]
    # The baseline report has no run chart yet: nothing to watch before realization.
    assert "monitor" not in unit_snapshot(unit, "baseline")


def test_the_unit_monitor_page_costs_the_same_queries_for_a_new_unit_and_a_long_history(
    client_for, django_assert_num_queries
):
    from tests.factories import MembershipFactory, UnitFactory

    new = UnitFactory()
    facilitator = MembershipFactory(unit=new, role="facilitator").user
    with CaptureQueriesContext(connection) as first:
        client_for(facilitator).get(reverse("phases:monitor", kwargs={"slug": new.slug}))
    long = h.stalling()
    long_facilitator = long.memberships.get(role="facilitator").user
    with django_assert_num_queries(len(first)):
        response = client_for(long_facilitator).get(
            reverse("phases:monitor", kwargs={"slug": long.slug})
        )
    assert response.status_code == 200


def test_the_menu_offers_the_monitor_only_to_those_it_has_something_for(
    unit, facilitator, member, client_for
):
    link = f'href="{reverse("monitor:mine")}"'

    assert link in client_for(facilitator).get(reverse("units:dashboard")).content.decode()
    assert link not in client_for(member).get(reverse("units:dashboard")).content.decode()


def test_a_member_item_links_to_the_notes_only_for_the_units_facilitator(client_for):
    from tests.factories import UserFactory

    unit, leaving = h.member_drops_away()
    facilitator = unit.memberships.get(role="facilitator").user
    notes = reverse("units:facilitator_notes", kwargs={"slug": unit.slug})
    link = f'href="{notes}?member={leaving.user_id}"'
    url = reverse("phases:monitor", kwargs={"slug": unit.slug})

    as_facilitator = client_for(facilitator).get(url).content.decode()
    as_administrator = client_for(UserFactory(is_staff=True)).get(url).content.decode()

    name = leaving.user.get_full_name()
    assert link in as_facilitator
    # The administrator sees the same item, as text: the notes are not theirs to open.
    assert name in as_administrator and link not in as_administrator
