"""Writes of the notifications app: making notifications, reading them, e-mailing them.

Notifications are made inside the transaction of the change that caused them (the
listeners in ``listeners.py`` run from ``units.registry.emit``), so a rolled-back
change tells nobody. Their e-mail is sent later by Celery: each row gets the time
its e-mail is due (in a couple of minutes, or at the next daily or weekly digest),
and everything due for one person goes out as one e-mail.
"""

import logging
import uuid
from datetime import datetime, time, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from bpu.celery import enqueue

from .models import Frequency, Notification
from .preferences import frequencies_for

logger = logging.getLogger(__name__)

# An "at once" e-mail waits this long, gathering whatever else happens meanwhile.
IMMEDIATE_DELAY = timedelta(minutes=2)
# Digests go out at this local time: every day, and on Mondays for the weekly one.
DIGEST_AT = time(7, 0)


def email_due(frequency: str, now: datetime) -> datetime | None:
    """When an e-mail chosen as ``frequency`` is due for something that happens ``now``."""
    if frequency == Frequency.IMMEDIATELY:
        return now + IMMEDIATE_DELAY
    if frequency == Frequency.NEVER:
        return None
    local = timezone.localtime(now)
    due = local.replace(hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, second=0, microsecond=0)
    if due <= local:
        due += timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        due += timedelta(days=(7 - due.weekday()) % 7)  # the next Monday
    return due


def _gather(recipient_ids, now: datetime) -> dict[int, datetime]:
    """{person: the due time of an "at once" e-mail already waiting}: what happens in
    the meantime joins it, so that a burst of events is one e-mail."""
    waiting = (
        Notification.objects.filter(
            recipient_id__in=recipient_ids,
            emailed_at__isnull=True,
            email_due_at__gt=now,
            email_due_at__lte=now + IMMEDIATE_DELAY,
        )
        .order_by("email_due_at")
        .values_list("recipient_id", "email_due_at")
    )
    gathered = {}
    for pk, due in waiting:
        gathered.setdefault(pk, due)
    return gathered


def notify(
    *,
    recipients,
    kind: str,
    event: str,
    url: str,
    unit=None,
    actor=None,
    data=None,
    dedupe_key: str = "",
    now: datetime | None = None,
) -> list[Notification]:
    """Tell ``recipients`` (people already checked to be allowed to see it) of one event.

    The actor is never told of what they did themselves. Runs in the caller's
    transaction; the "at once" e-mails are handed to Celery once it commits.
    """
    now = now or timezone.now()
    people = {p.pk: p for p in recipients if p.is_active and (actor is None or p.pk != actor.pk)}
    if not people:
        return []
    frequencies = frequencies_for(kind, people)
    gathered = _gather(people, now)
    made = []
    for pk in people:
        frequency = frequencies[pk]
        due = email_due(frequency, now)
        if frequency == Frequency.IMMEDIATELY:
            due = gathered.get(pk, due)
        notification = Notification(
            recipient_id=pk,
            kind=kind,
            event=event,
            unit=unit,
            actor=actor,
            url=url,
            data=data or {},
            dedupe_key=dedupe_key,
            created_at=now,
            email_due_at=due,
        )
        if dedupe_key:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # told already
        else:
            notification.save()
        made.append(notification)
        if frequency == Frequency.IMMEDIATELY and pk not in gathered:
            delay = max(0, int((due - now).total_seconds()))
            transaction.on_commit(partial(_send_later, pk, delay))
    return made


def _send_later(user_id: int, delay: int) -> None:
    from .tasks import send_notification_email

    # If the broker does not take it, beat's sweep (send_due_notifications) sends it.
    enqueue(send_notification_email, user_id, countdown=delay)


# --- Reading ------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


# --- E-mail -----------------------------------------------------------------------


def notification_email_send(*, user_id: int, now: datetime | None = None) -> int:
    """E-mail a person everything that is due for them, in one message; the number of
    notifications in it (0: nothing was due, or another run has sent it already).

    The rows are claimed in one UPDATE (committed) before the e-mail goes out, so a
    retried or doubled task finds nothing left to send; if sending fails the claim
    is handed back for the next run.
    """
    from .emails import send_digest

    now = now or timezone.now()
    claim = uuid.uuid4().hex
    with transaction.atomic():
        claimed = Notification.objects.filter(
            recipient_id=user_id,
            read_at__isnull=True,
            emailed_at__isnull=True,
            email_due_at__lte=now,
        ).update(emailed_at=now, email_claim=claim)
    if not claimed:
        return 0
    try:
        return send_digest(user_id=user_id, claim=claim)
    except Exception:
        Notification.objects.filter(email_claim=claim).update(emailed_at=None, email_claim="")
        raise


def notifications_send_due(*, now: datetime | None = None) -> int:
    """Run by beat: the digests that are due, and the "at once" e-mails the broker did
    not take. Returns the number of e-mails sent."""
    now = now or timezone.now()
    people = (
        Notification.objects.filter(
            read_at__isnull=True, emailed_at__isnull=True, email_due_at__lte=now
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(people):
        try:
            sent += bool(notification_email_send(user_id=user_id, now=now))
        except Exception:
            # One address that fails must not hold up everyone else's e-mail.
            logger.exception("The notification e-mail to person %s could not be sent", user_id)
    return sent
