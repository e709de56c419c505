"""Session reminders by e-mail, sent by beat."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Membership, Rsvp, Session
from ..rsvp import rsvp_token
from ._common import _site_url

logger = logging.getLogger(__name__)

# Reminders are looked for this far ahead (the largest reminder_days_before allowed).
REMINDER_HORIZON = timedelta(days=15)


def _due_for_reminder(now: datetime):
    candidates = (
        Session.objects.filter(
            status=Session.Status.PLANNED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_HORIZON,
            unit__reminder_days_before__gt=0,
        )
        .select_related("unit")
        .order_by("starts_at")
    )
    return [
        s for s in candidates if s.starts_at <= now + timedelta(days=s.unit.reminder_days_before)
    ]


def _claim_reminder(session: Session, now: datetime) -> bool:
    """Mark the reminder as sent before sending; only one caller can win the row."""
    return bool(
        Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
    )


def _rsvp_links(session: Session, user) -> list[tuple[str, str]]:
    """(label, signed link) per answer: each opens a page that asks to confirm."""
    path = reverse("units:session_rsvp_link", args=[rsvp_token(session=session, user=user)])
    return [(label, _site_url(f"{path}?answer={value}")) for value, label in Rsvp.Answer.choices]


def session_send_reminder(*, session: Session) -> int:
    """E-mail each current member the session with its agenda. Returns the number sent."""
    memberships = (
        Membership.objects.current().filter(unit_id=session.unit_id).select_related("user")
    )
    agenda = list(session.agenda_items.all())
    messages = []
    for membership in memberships:
        user = membership.user
        if not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            start = timezone.localtime(session.starts_at)
            context = {
                "user": user,
                "session": session,
                "unit": session.unit,
                "start": start,
                "end": timezone.localtime(session.ends_at),
                "agenda": agenda,
                "url": _site_url(session.get_absolute_url()),
                "rsvp_links": _rsvp_links(session, user),
            }
            subject = _("Reminder: %(unit)s meets on %(date)s") % {
                "unit": session.unit.name,
                "date": date_format(start, "SHORT_DATETIME_FORMAT"),
            }
            body = render_to_string("units/email/reminder.txt", context)
        messages.append(EmailMessage(subject, body, to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send the reminders that are due. Safe to run twice at once: each session's
    reminder is claimed in its own committed transaction before any mail goes out."""
    now = now or timezone.now()
    sent = 0
    for session in _due_for_reminder(now):
        with transaction.atomic():
            claimed = _claim_reminder(session, now)
        if not claimed:
            continue
        try:
            sent += session_send_reminder(session=session)
        except Exception:
            # One session that cannot be sent (a mail server error, bad data) must
            # not hold up every other unit's reminders: log it, hand the claim back
            # so the next run tries again, and go on.
            logger.exception("The reminder for session %s could not be sent", session.pk)
            Session.objects.filter(pk=session.pk, reminder_sent_at=now).update(
                reminder_sent_at=None
            )
    return sent
