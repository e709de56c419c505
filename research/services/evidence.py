"""Writes of the evidence chain: which measures a goal aims at, and a programme's factors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from phases.models import Goal

from ..models import GoalMeasure


@transaction.atomic
def goal_measures_set(*, goal: Goal, measures) -> list[GoalMeasure]:
    """The measures ``goal`` aims at are exactly ``measures`` (measures of its own unit)."""
    measures = list(measures)
    foreign = [m for m in measures if m.unit_id != goal.unit_id]
    if foreign:
        raise ValidationError(
            {
                "measures": gettext("Choose measures of this unit's codebook: %(codes)s is not.")
                % {"codes": ", ".join(m.code for m in foreign)}
            }
        )
    wanted = {m.pk for m in measures}
    GoalMeasure.objects.filter(goal=goal).exclude(measure_id__in=wanted).delete()
    have = set(GoalMeasure.objects.filter(goal=goal).values_list("measure_id", flat=True))
    GoalMeasure.objects.bulk_create(
        [GoalMeasure(goal=goal, measure_id=pk) for pk in sorted(wanted - have)]
    )
    return list(GoalMeasure.objects.filter(goal=goal).select_related("measure"))
