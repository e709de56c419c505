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
    page = client_for(member).get(reverse("units:sessions", args=[unit.slug])).content.decode()
    assert shown in page
    for wrong in never:
        assert wrong not in page
