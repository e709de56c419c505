"""The learning monitor's weekly word to facilitators (run by beat).

Each unit whose monitor lists something to act on is told to its current
facilitators once per ISO week; the e-mail goes out with their weekly digest
(or as they chose for this kind in their settings).
"""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from phases.monitor import unit_signals
from units.models import Membership, Role, Unit

from .models import Kind
from .services import notify


def monitor_notify_weekly(*, now: datetime | None = None) -> int:
    """Notify facilitators of the units with something to act on. Safe to run as often
    as beat likes: each (unit, week) is told once."""
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now).isocalendar()
    facilitators: dict[int, list] = {}
    for m in (
        Membership.objects.current()
        .filter(role=Role.FACILITATOR, user__is_active=True)
        .select_related("user")
    ):
        facilitators.setdefault(m.unit_id, []).append(m.user)
    units = Unit.objects.filter(pk__in=list(facilitators))
    made = 0
    for unit_id, signals in unit_signals(units).items():
        if not signals.items:
            continue
        unit = signals.unit
        with transaction.atomic():
            made += len(
                notify(
                    recipients=facilitators[unit_id],
                    kind=Kind.MONITOR,
                    event="monitor.attention",
                    url=reverse("phases:monitor", kwargs={"slug": unit.slug}),
                    unit=unit,
                    data={
                        "count": len(signals.items),
                        "now": sum(item.urgency >= 3 for item in signals.items),
                    },
                    dedupe_key=f"monitor:{unit_id}:{year}-W{week:02d}",
                    now=now,
                )
            )
    return made
