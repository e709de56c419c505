"""The dashboard: my units at a glance, and what needs a facilitator's attention."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from units.models import Membership, Role
from units.selectors import attention_for_units, units_for_dashboard

from ..factories import (
    AttendanceFactory,
    MembershipFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _past(unit, days_ago):
    return SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=days_ago))


def _attention(unit, user):
    return attention_for_units(list(units_for_dashboard(user).filter(pk=unit.pk)))[unit.pk]


def test_the_dashboard_shows_phase_next_session_and_group_size(client_for, unit, member):
    MembershipFactory(unit=unit, role=Role.RESEARCHER)
    MembershipFactory(unit=unit, left_on=timezone.localdate())  # ended: not counted
    _past(unit, 3)
    soon = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=2), status="cancelled")
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=9))
    UnitFactory()  # not mine
    rows = client_for(member).get(reverse("units:dashboard")).context["rows"]
    assert [r.unit for r in rows] == [unit]
    row = rows[0]
    assert row.unit.group_size == 2
    assert row.unit.next_session_id == soon.pk
    assert row.role_label == "Professional"
    assert row.attention == []  # members are not shown what needs attention


def test_no_planned_session_needs_attention(unit, facilitator):
    _past(unit, 3)
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5), status="cancelled")
    assert "No session is planned." in _attention(unit, facilitator)
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    assert "No session is planned." not in _attention(unit, facilitator)


def _with_attendance(unit, people, present_counts):
    """Past sessions, oldest first, with the first n people present and the rest absent."""
    for index, present in enumerate(present_counts):
        session = _past(unit, 10 * (len(present_counts) - index))
        for position, person in enumerate(people):
            AttendanceFactory(
                session=session, user=person, status="present" if position < present else "absent"
            )


def test_falling_attendance_needs_attention(unit, facilitator):
    people = [facilitator] + [MembershipFactory(unit=unit).user for _ in range(9)]
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    _with_attendance(unit, people, [10, 9, 7, 5])
    messages = _attention(unit, facilitator)
    assert any(
        "Attendance is falling: 90% present three sessions ago, 50% at the last" in m
        for m in messages
    )


def test_steady_or_rising_attendance_is_fine(unit, facilitator):
    people = [facilitator] + [MembershipFactory(unit=unit).user for _ in range(9)]
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    _with_attendance(unit, people, [5, 9, 7, 8])
    assert _attention(unit, facilitator) == []


def _missed(unit, facilitator) -> str:
    """The "missed sessions" item of the unit's attention list (its names), or ""."""
    prefix = "Missed two or more of the last three sessions: "
    items = [m for m in _attention(unit, facilitator) if m.startswith(prefix)]
    assert len(items) <= 1
    return items[0].removeprefix(prefix).removesuffix(".") if items else ""


def _names(*people) -> str:
    # The dashboard lists names in the order of the members' full names.
    return ", ".join(p.get_full_name() for p in sorted(people, key=lambda p: p.full_name))


def test_members_present_at_fewer_than_two_of_the_last_three_sessions(
    unit, facilitator, researcher
):
    joined = timezone.localdate() - timedelta(days=100)
    Membership.objects.filter(unit=unit).update(joined_on=joined)
    quiet = MembershipFactory(unit=unit, joined_on=joined).user
    excused = MembershipFactory(unit=unit, joined_on=joined).user
    drifting = MembershipFactory(unit=unit, joined_on=joined).user
    once_away = MembershipFactory(unit=unit, joined_on=joined).user
    newcomer = MembershipFactory(unit=unit, joined_on=timezone.localdate()).user
    manager = MembershipFactory(unit=unit, role=Role.MANAGER).user
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    for days in (70, 50, 30, 10):
        session = _past(unit, days)
        AttendanceFactory(session=session, user=facilitator, status="present")
        AttendanceFactory(session=session, user=researcher, status="absent")
        AttendanceFactory(session=session, user=quiet, status="absent")
        AttendanceFactory(
            session=session, user=excused, status="present" if days == 70 else "excused"
        )
        # Away at two of the last three: the pattern a facilitator wants to see early.
        AttendanceFactory(
            session=session, user=drifting, status="present" if days == 30 else "absent"
        )
        AttendanceFactory(
            session=session, user=once_away, status="absent" if days == 30 else "present"
        )
    # A session where attendance was not taken does not count.
    _past(unit, 5)
    assert _missed(unit, facilitator) == _names(quiet, excused, drifting)

    # A unit whose researcher takes part in every session counts them too.
    unit.researchers_attend = True
    unit.save()
    assert _missed(unit, facilitator) == _names(quiet, excused, drifting, researcher)
    assert newcomer.get_full_name() not in _missed(unit, facilitator)
    assert manager.get_full_name() not in _missed(unit, facilitator)


def test_facilitators_see_attention_items_on_the_dashboard(client_for, unit, facilitator):
    html = client_for(facilitator).get(reverse("units:dashboard")).content.decode()
    assert "Needs attention" in html and "No session is planned." in html


def _fill(owner, count):
    """``count`` units that ``owner`` facilitates, each with members, sessions, attendance."""
    for _ in range(count):
        unit = UnitFactory()
        MembershipFactory(unit=unit, user=owner, role=Role.FACILITATOR)
        joined = timezone.localdate() - timedelta(days=100)
        others = [MembershipFactory(unit=unit, joined_on=joined).user for _ in range(3)]
        for days in (40, 30, 20, 10):
            session = _past(unit, days)
            for person in others:
                AttendanceFactory(session=session, user=person, status="absent")
        SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=4))


def test_the_dashboard_costs_the_same_queries_for_one_unit_or_fifty(
    client_for, django_assert_num_queries
):
    # The count for one unit is measured (other apps add a fixed number of
    # attention queries), then held for fifty.
    facilitator = UserFactory()
    c = client_for(facilitator)
    _fill(facilitator, 1)
    with CaptureQueriesContext(connection) as one:
        response = c.get(reverse("units:dashboard"))
    assert len(response.context["rows"]) == 1
    assert len(one) < 35  # the learning monitor reads eight tables at once
    _fill(facilitator, 49)
    with django_assert_num_queries(len(one)):
        response = c.get(reverse("units:dashboard"))
    assert len(response.context["rows"]) == 50
    assert all(row.attention for row in response.context["rows"])
