"""Writes of waves: the moments a unit measures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import Wave
from ._common import lock_unit


def waves_ensure_defaults(*, unit) -> list[Wave]:
    """Create ``baseline``, ``intermediary`` and ``final`` if missing; return all waves in order.

    Called when a unit is created, by the importer, the demo and the command line;
    never on a GET. One query when they exist already (creating ignores conflicts,
    so two requests at once cannot fail).
    """
    waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    have = {w.code for w in waves}
    missing = [
        Wave(unit=unit, code=code, label=label, order=order)
        for code, label, order in Wave.DEFAULTS
        if code not in have
    ]
    if missing:
        Wave.objects.bulk_create(missing, ignore_conflicts=True)
        waves = list(Wave.objects.filter(unit=unit).order_by("order", "date", "code"))
    return waves


def _wave_exists(code) -> ValidationError:
    return ValidationError(
        {"code": _("A wave with code %(code)s already exists.") % {"code": code}}
    )


@transaction.atomic
def wave_create(*, unit, code, label, date=None) -> Wave:
    lock_unit(unit)
    if Wave.objects.filter(unit=unit, code__iexact=code).exists():
        raise _wave_exists(code)
    last = Wave.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0
    wave = Wave(unit=unit, code=code, label=label, date=date, order=last + 1)
    wave.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            wave.save()
    except IntegrityError:
        # Inserted by another request between our check and our insert.
        raise _wave_exists(code) from None
    return wave


@transaction.atomic
def wave_update(*, wave, label, date) -> Wave:
    wave.label = label
    wave.date = date
    wave.full_clean()
    wave.save(update_fields=["label", "date"])
    return wave
