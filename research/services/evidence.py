"""Writes of the evidence chain: which measures a goal aims at, and a programme's factors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from phases.models import Goal

from ..models import GoalMeasure, ProgrammeFactor, Theme


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


# --- Programme factors ----------------------------------------------------------------


def _check_themes(programme, themes) -> list[Theme]:
    """Themes of the programme's units (or the programme's own), each linked to one factor."""
    themes = list(themes)
    allowed = set(
        Theme.objects.filter(Q(unit__programme=programme) | Q(programme=programme)).values_list(
            "pk", flat=True
        )
    )
    foreign = [t.name for t in themes if t.pk not in allowed]
    if foreign:
        raise ValidationError(
            {
                "themes": gettext("These themes are not of this programme's units: %(names)s.")
                % {"names": ", ".join(foreign)}
            }
        )
    return themes


@transaction.atomic
def factor_create(*, programme, name: str, description: str = "", themes=()) -> ProgrammeFactor:
    """A programme factor from themes of its units that a researcher calls the same."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": gettext("Give the factor a name.")})
    if ProgrammeFactor.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError(
            {
                "name": gettext("The programme already has a factor called “%(name)s”.")
                % {"name": name}
            }
        )
    themes = _check_themes(programme, themes)
    factor = ProgrammeFactor.objects.create(
        programme=programme, name=name, description=description.strip()
    )
    Theme.objects.filter(pk__in=[t.pk for t in themes]).update(programme_factor=factor)
    return factor


@transaction.atomic
def factor_set_themes(*, factor: ProgrammeFactor, themes) -> ProgrammeFactor:
    """The factor's themes are exactly ``themes`` (a theme moves here from another factor)."""
    themes = _check_themes(factor.programme, themes)
    wanted = [t.pk for t in themes]
    Theme.objects.filter(programme_factor=factor).exclude(pk__in=wanted).update(
        programme_factor=None
    )
    Theme.objects.filter(pk__in=wanted).update(programme_factor=factor)
    return factor


@transaction.atomic
def factor_override(*, factor: ProgrammeFactor, occurrence: str, reason: str, actor):
    """The researcher's own answer (common, some, contextual) with the reason for it; an
    empty ``occurrence`` goes back to what the coding says."""
    reason = (reason or "").strip()
    if occurrence and occurrence not in ProgrammeFactor.Occurrence.values:
        raise ValidationError({"override": gettext("Choose one of the answers offered.")})
    if occurrence and not reason:
        raise ValidationError(
            {"override_reason": gettext("Say why the coding's answer does not hold.")}
        )
    factor.override = occurrence or ""
    factor.override_reason = reason if occurrence else ""
    factor.override_by = actor if occurrence else None
    factor.save(update_fields=["override", "override_reason", "override_by"])
    return factor


@transaction.atomic
def factors_from_theme_names(*, programme) -> list[ProgrammeFactor]:
    """One factor per theme name that two or more units of the programme use and no factor
    links yet (matched without regard to case): the researcher's starting point."""
    by_name: dict[str, list[Theme]] = {}
    for theme in Theme.objects.filter(unit__programme=programme, programme_factor__isnull=True):
        by_name.setdefault(theme.name.casefold(), []).append(theme)
    taken = {
        n.casefold()
        for n in ProgrammeFactor.objects.filter(programme=programme).values_list("name", flat=True)
    }
    made = []
    for key, themes in sorted(by_name.items()):
        if len({t.unit_id for t in themes}) < 2 or key in taken:
            continue
        made.append(factor_create(programme=programme, name=themes[0].name, themes=themes))
    return made
