"""The notifications of the demo: the bell of a few demo people has something in it.

The other seeders already cause notifications (their comments, steps and phase
changes go through the services, which emit events); this one makes sure the
people one logs in as first see a mix of read and unread ones, and moves the
demo's past events to their past dates, so that nothing is e-mailed for them.
"""

from datetime import timedelta

from django.utils import timezone

from units.models import Session

from .listeners import on_retention_due, on_session
from .models import Notification

SHOWN_TO = ("professional@example.org", "client@example.org", "facilitator@example.org")


def seed(demo) -> None:
    people = [demo.people[e] for e in SHOWN_TO if e in demo.people]
    if not people or Notification.objects.filter(event="session.moved").exists():
        return
    now = timezone.now()
    for slug, unit in demo.units.items():
        upcoming = (
            Session.objects.filter(unit=unit, status=Session.Status.PLANNED, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )
        if upcoming is not None:
            on_session("session.moved")(sessions=[upcoming], actor=None)
            demo.log.append(f"notification session moved {slug}")
    # The retention warning in the bell, for the unit whose retention ends first, with
    # its real date (the scheduled task would send it some weeks before that date).
    first_to_end = min(demo.units.values(), key=lambda u: u.retention_ends_on, default=None)
    if first_to_end is not None:
        on_retention_due(unit=first_to_end, ends_on=first_to_end.retention_ends_on)
        demo.log.append(f"notification retention {first_to_end.slug}")
    # What the seeders made is the demo's history: read, and not to be e-mailed.
    Notification.objects.filter(emailed_at__isnull=True).update(emailed_at=now)
    older = Notification.objects.filter(recipient__in=people).exclude(event="session.moved")
    for index, notification in enumerate(older.order_by("-pk")):
        if index >= 3:
            Notification.objects.filter(pk=notification.pk).update(
                read_at=now, created_at=now - timedelta(days=index)
            )
