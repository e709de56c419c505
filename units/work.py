"""units' part of the dashboard's "My work": my next session, and whether I said I come."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Rsvp, Session
from .registry import WorkItem


def _weekday_and_time(moment) -> str:
    # The weekday helps people plan; the rest is the locale's own date and time format.
    return f"{date_format(moment, 'l').capitalize()} {date_format(moment, 'DATETIME_FORMAT')}"


def next_session(user, units) -> list[WorkItem]:
    """One query: the first planned session of the person's current units, with their answer."""
    by_id = {u.pk: u for u in units}
    session = (
        Session.objects.filter(
            unit_id__in=by_id, status=Session.Status.PLANNED, starts_at__gte=timezone.now()
        )
        .only("pk", "unit_id", "starts_at")
        .annotate(
            my_answer=Subquery(
                Rsvp.objects.filter(session=OuterRef("pk"), user=user).values("answer")[:1]
            )
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return []
    when = _weekday_and_time(timezone.localtime(session.starts_at))
    if session.my_answer:
        text = _("%(when)s. Your answer: %(answer)s.") % {
            "when": when,
            "answer": Rsvp.Answer(session.my_answer).label,
        }
    else:
        text = _("%(when)s. Are you coming? Let the group know.") % {"when": when}
    session.unit = by_id[session.unit_id]
    return [
        WorkItem(
            text=text,
            url=session.get_absolute_url(),
            unit=session.unit.name,
            urgent=not session.my_answer,
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
