"""The learning monitor's weekly word to facilitators (run by beat).

Each unit whose monitor lists something to act on is told to its current
facilitators once per ISO week; the e-mail goes out with their weekly digest
(or as they chose for this kind in their settings).
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from phases.monitor import unit_signals
from units.models import Membership, Role, Unit

from .models import Kind
from .services import notify

# The most urgent items a notification lists (the monitor page has them all).
ITEMS_LISTED = 5


def _signals_in_every_language(units) -> tuple[dict, dict[int, dict[str, list[str]]]]:
    """The units' signals, and each unit's most urgent items worded in every language
    of the site: a notification is read (in the bell, in the e-mail) in its reader's
    language, which may change before it is read."""
    texts: dict[int, dict[str, list[str]]] = {}
    signals = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            signals = unit_signals(units)
            for unit_id, unit_signals_ in signals.items():
                listed = unit_signals_.items[:ITEMS_LISTED]
                texts.setdefault(unit_id, {})[code] = [item.text for item in listed]
    return signals, texts


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
    all_signals, texts = _signals_in_every_language(units)
    for unit_id, signals in all_signals.items():
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
                        "items": texts[unit_id],
                    },
                    dedupe_key=f"monitor:{unit_id}:{year}-W{week:02d}",
                    now=now,
                )
            )
    return made
