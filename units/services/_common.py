"""Helpers the service modules share."""

from django.conf import settings

from ..models import Unit


def _lock(unit: Unit) -> None:
    """Hold the unit's row until the transaction ends: writes that check what exists
    before they add to it (a double-sent form) then run one after the other."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
