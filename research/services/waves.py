"""Writes of waves: the moments a unit measures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import Observation, Wave, WaveKind
from ._common import lock_unit


def waves_ensure_defaults(*, unit) -> list[Wave]:
    """Create ``baseline``, ``intermediary`` and ``final`` if missing; return all waves in time.

    Called when a unit is created, by the importer, the demo and the command line;
    never on a GET. One query when they exist already (creating ignores conflicts,
    so two requests at once cannot fail).
    """
    waves = list(Wave.objects.filter(unit=unit).in_time())
    have = {w.code for w in waves}
    missing = [
        Wave(unit=unit, code=code, label=label, kind=code, order=order)
        for code, label, order in Wave.DEFAULTS
        if code not in have
    ]
    if missing:
        Wave.objects.bulk_create(missing, ignore_conflicts=True)
        waves = list(Wave.objects.filter(unit=unit).in_time())
    return waves


def _wave_exists(code) -> ValidationError:
    return ValidationError(
        {"code": _("A wave with code %(code)s already exists.") % {"code": code}}
    )


def _check_one_baseline(*, unit, kind, wave_pk=None) -> None:
    """A unit has one baseline: change is measured from it."""
    if kind != WaveKind.BASELINE:
        return
    others = Wave.objects.filter(unit=unit, kind=WaveKind.BASELINE).exclude(pk=wave_pk)
    other = others.first()
    if other is not None:
        raise ValidationError(
            {
                "kind": _(
                    "This unit already has a baseline: %(wave)s. Change its kind first; "
                    "change is measured from one baseline."
                )
                % {"wave": other.display_label}
            }
        )


@transaction.atomic
def wave_create(*, unit, code, label, date=None, kind=WaveKind.INTERMEDIARY) -> Wave:
    lock_unit(unit)
    if Wave.objects.filter(unit=unit, code__iexact=code).exists():
        raise _wave_exists(code)
    _check_one_baseline(unit=unit, kind=kind)
    last = Wave.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0
    wave = Wave(unit=unit, code=code, label=label, kind=kind, date=date, order=last + 1)
    wave.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            wave.save()
    except IntegrityError:
        # Inserted by another request between our check and our insert.
        raise _wave_exists(code) from None
    return wave


@transaction.atomic
def wave_update(*, wave, label, date, kind=None) -> Wave:
    wave.label = label
    wave.date = date
    fields = ["label", "date"]
    if kind is not None:
        lock_unit(wave.unit)
        _check_one_baseline(unit=wave.unit, kind=kind, wave_pk=wave.pk)
        wave.kind = kind
        fields.append("kind")
    wave.full_clean()
    wave.save(update_fields=fields)
    return wave


@transaction.atomic
def wave_delete(*, wave) -> None:
    """Delete a wave without data; a wave with observations is refused (its data would go too)."""
    lock_unit(wave.unit)
    if Observation.objects.filter(wave=wave).exists():
        raise ValidationError(
            _("The wave %(wave)s has data and cannot be deleted. Delete or move its values first.")
            % {"wave": wave.display_label}
        )
    wave.delete()


@transaction.atomic
def wave_move(*, wave, up: bool) -> Wave:
    """Swap the wave's position with its neighbour among the waves with the same date.

    Waves with a date are ordered by it; the position only decides between waves on
    the same day, and among the waves without a date. Refused when the neighbour has
    another date: change the date to move the wave.
    """
    lock_unit(wave.unit)
    waves = list(Wave.objects.filter(unit=wave.unit).in_time())
    i = next(i for i, w in enumerate(waves) if w.pk == wave.pk)
    j = i - 1 if up else i + 1
    if j < 0 or j >= len(waves):
        return wave
    other = waves[j]
    if other.date != wave.date:
        raise ValidationError(
            _("Waves are ordered by their date: change the date of %(wave)s to move it.")
            % {"wave": wave.display_label}
        )
    # Renumber the whole unit (a few waves) so that equal positions cannot tie.
    waves[i], waves[j] = waves[j], waves[i]
    for position, w in enumerate(waves, start=1):
        if w.order != position:
            w.order = position
            w.save(update_fields=["order"])
    return next(w for w in waves if w.pk == wave.pk)
