"""Rows that belong to a unit or to a programme, never both (reports, their texts,
themes): the constraints every such model carries."""

from django.db import models
from django.db.models import Q


def unit_or_programme_constraints(prefix: str, *, unique_with: list[str], unique_name: str):
    """Exactly one of ``unit`` and ``programme`` is set, and ``unique_with`` is unique
    within the owner (``<unique_name>_in_unit`` / ``<unique_name>_in_programme``)."""
    return [
        models.CheckConstraint(
            condition=(Q(unit__isnull=False) & Q(programme__isnull=True))
            | (Q(unit__isnull=True) & Q(programme__isnull=False)),
            name=f"{prefix}_unit_xor_programme",
        ),
        models.UniqueConstraint(
            fields=["unit", *unique_with],
            condition=Q(unit__isnull=False),
            name=f"{unique_name}_in_unit",
        ),
        models.UniqueConstraint(
            fields=["programme", *unique_with],
            condition=Q(programme__isnull=False),
            name=f"{unique_name}_in_programme",
        ),
    ]
