"""Unit pages cost the same number of queries as members and sessions grow."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from units.models import Organisation

from ..factories import (
    AgendaItemFactory,
    AttendanceFactory,
    InvitationFactory,
    MembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def _grow(unit, n):
    people = [MembershipFactory(unit=unit).user for _ in range(n)]
    MembershipFactory(unit=unit, left_on=timezone.localdate())
    InvitationFactory(unit=unit)
    unit.organisations.add(Organisation.objects.create(name=f"Org {unit.pk}-{n}"))
    for i in range(n):
        session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=i - n / 2))
        AgendaItemFactory(session=session)
        for person in people:
            AttendanceFactory(session=session, user=person)
    return SessionFactory(unit=unit)


def _count_is_constant(c, url_for, unit, expected, django_assert_num_queries):
    """The stated count for a small unit, and the same count once the unit has grown."""
    session = SessionFactory(unit=unit)
    AgendaItemFactory(session=session)
    with django_assert_num_queries(expected):
        assert c.get(url_for(unit, session)).status_code == 200
    session = _grow(unit, 8)
    for item in range(5):
        AgendaItemFactory(session=session, title=f"extra {item}")
    with django_assert_num_queries(expected):
        assert c.get(url_for(unit, session)).status_code == 200


PAGES = {
    "detail": lambda u, s: reverse("units:detail", args=[u.slug]),
    "sessions": lambda u, s: reverse("units:sessions", args=[u.slug]),
    "session": lambda u, s: reverse("units:session_detail", args=[u.slug, s.pk]),
    "members": lambda u, s: reverse("units:members", args=[u.slug]),
}


# Queries per page, stated rather than measured: a change that adds a query to a
# page (here or in an app that adds to unit pages) shows up as a failure here.
# Facilitators see more than members (invitations, attendance forms). Every page
# counts the navbar bell's unread notifications (one query); a session page reads
# the members' answers (coming, maybe, not coming) in one more, and its files in one more.
QUERIES = {
    "detail": {"facilitator": 15, "member": 15},
    "sessions": {"facilitator": 12, "member": 12},
    "session": {"facilitator": 16, "member": 15},
    "members": {"facilitator": 13, "member": 11},
}


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_as_facilitator(client_for, unit, facilitator, django_assert_num_queries, page):
    expected = QUERIES[page]["facilitator"]
    _count_is_constant(
        client_for(facilitator), PAGES[page], unit, expected, django_assert_num_queries
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_as_member(client_for, unit, member, django_assert_num_queries, page):
    expected = QUERIES[page]["member"]
    _count_is_constant(client_for(member), PAGES[page], unit, expected, django_assert_num_queries)
