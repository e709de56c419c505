"""Sessions: series across daylight saving, single sessions, agenda, attendance, notes."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from units import services
from units.models import AgendaItem, Attendance, Membership, Session

from ..factories import AgendaItemFactory, MembershipFactory, SessionFactory, UnitFactory

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def test_series_keeps_its_local_time_across_daylight_saving_changes():
    unit = UnitFactory(planned_start=date(2026, 1, 1), planned_end=date(2027, 6, 30))
    result = services.session_series_create(
        unit=unit, first=date(2026, 3, 17), at=time(14, 0), every_weeks=3, until=date(2026, 11, 30)
    )
    starts = [s.starts_at.astimezone(AMS) for s in result.created]
    assert all((s.hour, s.minute) == (14, 0) for s in starts)
    assert [s.date() for s in starts[:3]] == [
        date(2026, 3, 17),
        date(2026, 4, 7),
        date(2026, 4, 28),
    ]
    assert all((b.date() - a.date()).days == 21 for a, b in zip(starts, starts[1:], strict=False))
    # Winter time is UTC+1, summer time UTC+2: the UTC moment shifts, the wall clock does not.
    assert starts[0].utcoffset() == timedelta(hours=1)
    assert starts[1].utcoffset() == timedelta(hours=2)
    assert starts[-1].date() == date(2026, 11, 24) and starts[-1].utcoffset() == timedelta(hours=1)
    saved = Session.objects.filter(unit=unit).order_by("starts_at")
    assert [timezone.localtime(s.starts_at).hour for s in saved] == [14] * len(starts)


def test_series_runs_until_the_units_end_by_default_and_records_the_phase():
    unit = UnitFactory(planned_start=date(2026, 1, 5), planned_end=date(2026, 3, 2))
    result = services.session_series_create(
        unit=unit, first=date(2026, 1, 5), at=time(9, 30), every_weeks=4, location="Buurthuis"
    )
    assert [timezone.localtime(s.starts_at).date() for s in result.created] == [
        date(2026, 1, 5),
        date(2026, 2, 2),
        date(2026, 3, 2),
    ]
    assert {s.phase for s in result.created} == {unit.phase}
    assert {s.location for s in result.created} == {"Buurthuis"}


def test_running_a_series_twice_skips_days_that_have_a_session():
    unit = UnitFactory(planned_start=date(2026, 1, 5), planned_end=date(2026, 3, 2))
    kwargs = {"unit": unit, "first": date(2026, 1, 5), "at": time(9, 30), "every_weeks": 4}
    services.session_series_create(**kwargs)
    again = services.session_series_create(**kwargs)
    assert again.created == [] and len(again.skipped) == 3
    assert unit.sessions.count() == 3


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"first": "2025-01-01"}, "first", "within the unit's period"),
        ({"until": "2030-01-01"}, "until", "past the unit's planned end"),
        ({"every_weeks": "0"}, "every_weeks", "greater than or equal to 1"),
        ({"until": "2026-01-01"}, "until", "on or after the first date"),
    ],
)
def test_series_form_refuses_bad_input_and_saves_nothing(client_for, data, field, text):
    unit = UnitFactory(planned_start=date(2026, 1, 5), planned_end=date(2026, 12, 31))
    person = MembershipFactory(unit=unit, role="facilitator").user
    form = {
        "first": "2026-02-01",
        "at": "14:00",
        "every_weeks": "4",
        "duration_minutes": "120",
        **data,
    }
    response = client_for(person).post(reverse("units:series_create", args=[unit.slug]), form)
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert not unit.sessions.exists()


def test_a_facilitator_plans_a_series_through_the_page(client_for, unit, facilitator):
    first = unit.planned_start + timedelta(days=7)
    response = client_for(facilitator).post(
        reverse("units:series_create", args=[unit.slug]),
        {
            "first": first.isoformat(),
            "at": "14:00",
            "every_weeks": "6",
            "duration_minutes": "90",
            "online_url": "https://meet.example.org/bpu",
        },
        follow=True,
    )
    sessions = list(unit.sessions.order_by("starts_at"))
    expected = len(range(0, (unit.planned_end - first).days + 1, 42))
    assert len(sessions) == expected
    assert f"{expected} sessions have been planned." in response.content.decode()
    assert sessions[0].online_url == "https://meet.example.org/bpu"
    assert sessions[0].duration_minutes == 90


def test_a_session_is_moved_and_its_reminder_will_go_again(client_for, unit, facilitator):
    session = SessionFactory(unit=unit, reminder_sent_at=timezone.now())
    new_day = timezone.localdate() + timedelta(days=20)
    response = client_for(facilitator).post(
        reverse("units:session_edit", args=[unit.slug, session.pk]),
        {
            "day": new_day.isoformat(),
            "at": "10:15",
            "duration_minutes": "60",
            "location": "Stadhuis",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    start = timezone.localtime(session.starts_at)
    assert (start.date(), start.time()) == (new_day, time(10, 15))
    assert session.location == "Stadhuis" and session.reminder_sent_at is None


def test_a_session_cannot_move_outside_the_units_period(client_for, unit, facilitator):
    session = SessionFactory(unit=unit)
    before = session.starts_at
    response = client_for(facilitator).post(
        reverse("units:session_edit", args=[unit.slug, session.pk]),
        {
            "day": (unit.planned_end + timedelta(days=1)).isoformat(),
            "at": "10:00",
            "duration_minutes": "60",
        },
    )
    assert "within the unit's period" in " ".join(response.context["form"].errors["day"])
    session.refresh_from_db()
    assert session.starts_at == before


def test_a_single_session_is_added_with_the_units_phase(client_for, unit, facilitator):
    day = timezone.localdate() + timedelta(days=3)
    response = client_for(facilitator).post(
        reverse("units:session_create", args=[unit.slug]),
        {"day": day.isoformat(), "at": "19:00", "duration_minutes": "120", "location": "Online"},
    )
    session = unit.sessions.get()
    assert response["Location"] == session.get_absolute_url()
    assert session.phase == unit.phase
    assert timezone.localtime(session.starts_at).hour == 19


def test_cancel_and_plan_again(client_for, unit, facilitator, member):
    session = SessionFactory(unit=unit)
    url = reverse("units:session_cancel", args=[unit.slug, session.pk])
    assert client_for(member).post(url).status_code == 403
    client_for(facilitator).post(url)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    client_for(facilitator).post(url, {"reinstate": "1"})
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_agenda_items_are_added_edited_reordered_and_removed(client_for, unit, facilitator):
    session = SessionFactory(unit=unit)
    c = client_for(facilitator)
    for title in ("Opening", "Casus", "Afsluiting"):
        c.post(reverse("units:agenda_add", args=[unit.slug, session.pk]), {"title": title})
    items = list(session.agenda_items.order_by("order"))
    assert [i.title for i in items] == ["Opening", "Casus", "Afsluiting"]
    c.post(
        reverse("units:agenda_move", args=[unit.slug, session.pk, items[2].pk]),
        {"direction": "up"},
    )
    assert [i.title for i in session.agenda_items.order_by("order")] == [
        "Opening",
        "Afsluiting",
        "Casus",
    ]
    c.post(
        reverse("units:agenda_edit", args=[unit.slug, session.pk, items[1].pk]),
        {"title": "Intervisie", "duration_minutes": "40"},
    )
    items[1].refresh_from_db()
    assert (items[1].title, items[1].duration_minutes) == ("Intervisie", 40)
    c.post(reverse("units:agenda_remove", args=[unit.slug, session.pk, items[0].pk]))
    assert [i.title for i in session.agenda_items.order_by("order")] == ["Afsluiting", "Intervisie"]


def test_an_agenda_item_needs_a_title(client_for, unit, facilitator):
    session = SessionFactory(unit=unit)
    response = client_for(facilitator).post(
        reverse("units:agenda_add", args=[unit.slug, session.pk]), {"title": ""}, follow=True
    )
    assert "An agenda item needs a title." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_agenda_items_of_another_unit_are_out_of_reach(client_for, unit, facilitator):
    foreign = AgendaItemFactory()
    session = SessionFactory(unit=unit)
    url = reverse("units:agenda_remove", args=[unit.slug, session.pk, foreign.pk])
    assert client_for(facilitator).post(url).status_code == 404
    assert AgendaItem.objects.filter(pk=foreign.pk).exists()


def test_attendance_is_recorded_for_current_members_in_one_form(
    client_for, unit, facilitator, member, researcher
):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=1))
    c = client_for(facilitator)
    page = c.get(session.get_absolute_url())
    assert set(page.context["attendance_form"].fields) == {
        f"user_{u.pk}" for u in (facilitator, member, researcher)
    }
    url = reverse("units:session_attendance", args=[unit.slug, session.pk])
    c.post(
        url,
        {
            f"user_{facilitator.pk}": "present",
            f"user_{member.pk}": "excused",
            f"user_{researcher.pk}": "absent",
        },
    )
    recorded = dict(session.attendances.values_list("user_id", "status"))
    assert recorded == {facilitator.pk: "present", member.pk: "excused", researcher.pk: "absent"}
    # Saving again updates in place; a blank choice removes the record.
    c.post(url, {f"user_{facilitator.pk}": "present", f"user_{member.pk}": "present"})
    recorded = dict(session.attendances.values_list("user_id", "status"))
    assert recorded == {facilitator.pk: "present", member.pk: "present"}


def test_attendance_rejects_unknown_statuses_and_outsiders(client_for, unit, facilitator, outsider):
    session = SessionFactory(unit=unit)
    url = reverse("units:session_attendance", args=[unit.slug, session.pk])
    response = client_for(facilitator).post(url, {f"user_{facilitator.pk}": "asleep"}, follow=True)
    assert "Choose present, excused or absent" in response.content.decode()
    with pytest.raises(ValidationError):
        services.attendance_record(session=session, statuses={outsider.pk: "present"})
    assert not Attendance.objects.exists()


def test_notes_and_decisions_are_written_by_the_facilitator_and_read_by_members(
    client_for, unit, facilitator, member
):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=2))
    url = reverse("units:session_notes", args=[unit.slug, session.pk])
    data = {"notes": "Goed gesprek over de casus.", "decisions": "We proberen het nieuwe format."}
    assert client_for(member).post(url, data).status_code == 403
    client_for(facilitator).post(url, data)
    session.refresh_from_db()
    assert session.notes == data["notes"]
    html = client_for(member).get(session.get_absolute_url()).content.decode()
    assert "Goed gesprek over de casus." in html and "We proberen het nieuwe format." in html


def test_members_see_upcoming_sessions_and_past_notes(client_for, unit, member):
    past = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=10))
    upcoming = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=10))
    url = reverse("units:sessions", args=[unit.slug])
    assert list(client_for(member).get(url).context["page"]) == [upcoming]
    assert list(client_for(member).get(url + "?when=past").context["page"]) == [past]


def test_the_sessions_list_stays_one_page_of_twenty_in_a_fixed_number_of_queries(
    client_for, unit, member, django_assert_num_queries
):
    def grow(n, days_ago):
        for i in range(n):
            SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=days_ago + 21 * i))

    grow(5, 1)
    client = client_for(member)
    url = reverse("units:sessions", args=[unit.slug]) + "?when=past"
    client.get(url)  # the first request of a session writes it; count the ones after
    with CaptureQueriesContext(connection) as few:
        small = client.get(url)
    assert len(small.context["page"]) == 5
    grow(55, 200)
    with django_assert_num_queries(len(few)):
        large = client.get(url)
    # The latest twenty, latest first, and the way to the other forty.
    rows = list(large.context["page"])
    assert len(rows) == 20
    assert rows == sorted(rows, key=lambda s: s.starts_at, reverse=True)
    assert "Page 1 of 3" in large.content.decode()
    assert 'href="?when=past&amp;page=2"' in large.content.decode()


def test_a_session_planned_in_the_future_shows_its_agenda_not_who_was_present(
    client_for, unit, member
):
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=3))
    html = client_for(member).get(reverse("units:sessions", args=[unit.slug])).content.decode()
    assert "Agenda items" in html
    assert "Present" not in html


def test_ended_members_are_not_on_the_attendance_form(client_for, unit, facilitator, member):
    Membership.objects.filter(user=member).update(left_on=timezone.localdate())
    session = SessionFactory(unit=unit)
    form = client_for(facilitator).get(session.get_absolute_url()).context["attendance_form"]
    assert f"user_{member.pk}" not in form.fields


def test_the_session_page_forms_post_to_their_own_addresses(client_for, unit, facilitator):
    session = SessionFactory(unit=unit)
    html = client_for(facilitator).get(session.get_absolute_url()).content.decode()
    for name in ("session_attendance", "session_notes", "agenda_add"):
        assert f'action="{reverse(f"units:{name}", args=[unit.slug, session.pk])}"' in html
    assert html.count("<form") == html.count("</form>")
