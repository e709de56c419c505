"""Reads of research data, with their joins built in."""

from .models import Measure, Wave


def unit_waves(unit) -> list[Wave]:
    """The unit's waves in order, creating the three defaults on first access."""
    from .services import waves_ensure_defaults

    return waves_ensure_defaults(unit=unit)


def unit_measures(unit) -> list[Measure]:
    """The unit's codebook in order."""
    return list(Measure.objects.filter(unit=unit).order_by("order", "code"))
