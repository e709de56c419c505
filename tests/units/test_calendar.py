"""The private calendar feed and single-session downloads, parsed back with icalendar."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from units.models import CalendarFeed, Membership, Session

from ..factories import AgendaItemFactory, MembershipFactory, SessionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _feed_url(client):
    client.get(reverse("units:calendar"))
    return reverse("units:calendar_feed", args=[CalendarFeed.objects.get().token])


def _events(body: bytes):
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_feed_holds_the_sessions_of_all_current_units(client, client_for, unit, member):
    other_unit = UnitFactory(name="Second unit")
    MembershipFactory(unit=other_unit, user=member)
    left_unit = UnitFactory(name="Left unit")
    MembershipFactory(unit=left_unit, user=member, left_on=timezone.localdate())
    mine = SessionFactory(unit=unit, location="Buurthuis De Ster")
    AgendaItemFactory(session=mine, title="Terugblik")
    SessionFactory(unit=other_unit)
    SessionFactory(unit=left_unit)
    SessionFactory()  # someone else's unit

    url = _feed_url(client_for(member))
    response = client.get(url)  # calendar apps fetch without logging in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    assert sorted(str(e["summary"]) for e in events) == sorted([unit.name, "Second unit"])
    event = next(e for e in events if str(e["summary"]) == unit.name)
    assert str(event["uid"]).startswith(f"bpu-session-{mine.pk}@")
    assert event["dtstamp"].dt.tzinfo is not None
    start = event["dtstart"].dt
    assert start == mine.starts_at.replace(microsecond=0)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert event["dtend"].dt - start == timedelta(minutes=mine.duration_minutes)
    assert str(event["location"]) == "Buurthuis De Ster"
    assert "Terugblik" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert Calendar.from_ical(response.content).walk("VTIMEZONE")


def test_a_cancelled_session_is_marked_cancelled(client, client_for, unit, member):
    SessionFactory(unit=unit, status=Session.Status.CANCELLED)
    events = _events(client.get(_feed_url(client_for(member))).content)
    assert str(events[0]["status"]) == "CANCELLED"


def test_a_revoked_address_stops_working(client, client_for, unit, member):
    SessionFactory(unit=unit)
    c = client_for(member)
    old = _feed_url(c)
    assert client.get(old).status_code == 200
    c.post(reverse("units:calendar_revoke"))
    assert client.get(old).status_code == 404
    new = reverse("units:calendar_feed", args=[CalendarFeed.objects.get().token])
    assert new != old and client.get(new).status_code == 200


def test_an_unknown_token_is_a_404(client):
    assert client.get(reverse("units:calendar_feed", args=["guess"])).status_code == 404


def test_a_deactivated_account_has_no_feed(client, client_for, unit, member):
    url = _feed_url(client_for(member))
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404


def test_a_single_session_downloads_for_members_only(client_for, unit, member, outsider):
    session = SessionFactory(unit=unit, online_url="https://meet.example.org/x", location="")
    url = reverse("units:session_ics", args=[unit.slug, session.pk])
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    (event,) = _events(response.content)
    assert str(event["location"]) == "https://meet.example.org/x"
    assert event["dtstart"].dt == session.starts_at.replace(microsecond=0)
    assert client_for(outsider).get(url).status_code == 404


def test_the_feed_reads_the_same_number_of_queries_for_more_sessions(
    client, client_for, unit, member, django_assert_num_queries
):
    url = _feed_url(client_for(member))
    SessionFactory(unit=unit)
    # savepoint, feed + user, sessions, agenda items, release (ATOMIC_REQUESTS)
    with django_assert_num_queries(5):
        client.get(url)
    for _ in range(10):
        AgendaItemFactory(session=SessionFactory(unit=unit))
    with django_assert_num_queries(5):
        client.get(url)
    assert Membership.objects.count() == 1
