"""Writes of research data: one function per business action, keyword-only, atomic."""

from django.db import transaction

from .models import Wave


@transaction.atomic
def waves_ensure_defaults(*, unit) -> list[Wave]:
    """Create ``baseline``, ``intermediary`` and ``final`` if missing; return all waves in order.

    One query when they exist already.
    """
    waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    have = {w.code for w in waves}
    missing = [
        Wave(unit=unit, code=code, label=str(label), order=order)
        for code, label, order in Wave.DEFAULTS
        if code not in have
    ]
    if missing:
        Wave.objects.bulk_create(missing, ignore_conflicts=True)
        waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    return waves
