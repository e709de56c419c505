"""Unit pages cost the same number of queries as members and sessions grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def _count_is_constant(c, url_for, unit, django_assert_num_queries):
    """The count for a small unit, then the same count once the unit has grown.

    The small count is measured rather than written down, because other apps add a
    fixed number of queries to unit pages (the phase timeline, attention items).
    """
    session = SessionFactory(unit=unit)
    AgendaItemFactory(session=session)
    with CaptureQueriesContext(connection) as small:
        assert c.get(url_for(unit, session)).status_code == 200
    assert len(small) < 30
    session = _grow(unit, 8)
    for item in range(5):
        AgendaItemFactory(session=session, title=f"extra {item}")
    with django_assert_num_queries(len(small)):
        assert c.get(url_for(unit, session)).status_code == 200


PAGES = {
    "detail": lambda u, s: reverse("units:detail", args=[u.slug]),
    "sessions": lambda u, s: reverse("units:sessions", args=[u.slug]),
    "session": lambda u, s: reverse("units:session_detail", args=[u.slug, s.pk]),
    "members": lambda u, s: reverse("units:members", args=[u.slug]),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_as_facilitator(client_for, unit, facilitator, django_assert_num_queries, page):
    _count_is_constant(client_for(facilitator), PAGES[page], unit, django_assert_num_queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_pages_as_member(client_for, unit, member, django_assert_num_queries, page):
    _count_is_constant(client_for(member), PAGES[page], unit, django_assert_num_queries)
