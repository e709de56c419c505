"""units' part of the dashboard's "My work": my next session, and whether I said I come."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .addresses import unit_url
from .models import Rsvp
from .registry import WorkItem


def _weekday_and_time(moment) -> str:
    # The weekday helps people plan; the rest is the locale's own date and time format.
    return f"{date_format(moment, 'l').capitalize()} {date_format(moment, 'DATETIME_FORMAT')}"


def next_session(user, units) -> list[WorkItem]:
    """The first planned session of the person's current units, with their answer: no
    query, ``units`` (from ``selectors.units_for_dashboard``) carry both."""
    planned = [u for u in units if u.next_session_at is not None]
    if not planned:
        return []
    unit = min(planned, key=lambda u: u.next_session_at)
    when = _weekday_and_time(timezone.localtime(unit.next_session_at))
    answer = unit.next_session_answer
    if answer:
        text = _("%(when)s. Your answer: %(answer)s.") % {
            "when": when,
            "answer": Rsvp.Answer(answer).label,
        }
    else:
        text = _("%(when)s. Are you coming? Let the group know.") % {"when": when}
    return [
        WorkItem(
            text=text,
            url=unit_url("units:session_detail", unit.slug, unit.next_session_id),
            unit=unit.name,
            urgent=not answer,
        )
    ]


def consent_to_answer(user, units) -> list[WorkItem]:
    """The units whose (new) consent text the person has not answered (one or two queries)."""
    from .consent import units_awaiting_consent

    return [
        WorkItem(
            text=_("Please read the consent text and give your answer."),
            url=reverse("units:consent", kwargs={"slug": unit.slug}),
            unit=unit.name,
            urgent=True,
        )
        for unit in units_awaiting_consent(user, units)
    ]
