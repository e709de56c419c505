"""The unit overview's timeline reads only the transitions' phases and times: the same
phases, dates and states as the phases page's timeline, which also reads who moved."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from phases import services
from phases.selectors import phase_timeline


def _phases(timeline):
    return [(p.number, p.state, p.entered_at, p.left_at, p.visits) for p in timeline.phases]


def test_the_overview_timeline_matches_the_full_one_after_moving_back(
    unit, facilitator, member, client_for
):
    services.phase_advance(unit=unit, actor=facilitator, justification="Start")
    unit.refresh_from_db()
    services.phase_move_back(unit=unit, actor=facilitator, reason="Not yet")
    unit.refresh_from_db()
    services.phase_advance(unit=unit, actor=facilitator, justification="Again")
    unit.refresh_from_db()
    full = phase_timeline(unit)
    short = phase_timeline(unit, with_history=False)
    assert _phases(short) == _phases(full)
    assert [p.visits for p in short.phases[:2]] == [2, 2]
    assert len(full.transitions) == 3 and short.transitions == []
    page = client_for(member).get(reverse("units:detail", args=[unit.slug])).content.decode()
    left = date_format(timezone.localtime(full.phases[0].left_at), "SHORT_DATE_FORMAT")
    assert f"to {left}" in page
