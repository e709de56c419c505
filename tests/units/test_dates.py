"""Dates in each language's own style: lower-case Dutch months, day-month-year English."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ..factories import SessionFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("language", "shown", "never"),
    [
        ("nl", "di 1 dec 2026 14:00", ["Dec", "Tue"]),
        ("en", "Tue 1 Dec 2026, 14:00", ["Dec. 1", "12/01/2026"]),
    ],
)
def test_the_session_list_writes_dates_as_the_language_does(
    client_for, unit, member, language, shown, never
):
    unit.planned_start = datetime(2026, 9, 1).date()
    unit.planned_end = datetime(2027, 9, 1).date()
    unit.save()
    SessionFactory(unit=unit, starts_at=datetime(2026, 12, 1, 14, 0, tzinfo=AMSTERDAM))
    member.language = language
    member.save()
    url = reverse("units:sessions", args=[unit.slug])
    client = client_for(member)
    # Upcoming or past by the time this runs: both tabs.
    page = client.get(url).content.decode() + client.get(url + "?when=past").content.decode()
    assert shown in page
    for wrong in never:
        assert wrong not in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nl", "Dinsdag 1 december 2026"), ("en", "Tuesday 1 December 2026")],
)
def test_the_session_page_heading_is_the_weekday_and_the_languages_long_date(
    client_for, unit, member, language, heading
):
    session = SessionFactory(unit=unit, starts_at=datetime(2026, 12, 1, 14, 0, tzinfo=AMSTERDAM))
    member.language = language
    member.save()
    page = client_for(member).get(session.get_absolute_url()).content.decode()
    assert f'<h1 class="h2 mb-1">{heading}</h1>' in page
