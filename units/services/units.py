"""Units and programmes: create, change, and what is unusual about them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import registry
from ..models import (
    GROUP_SIZE_MAX,
    GROUP_SIZE_MIN,
    Membership,
    Organisation,
    Programme,
    Role,
    Unit,
)
from ..validators import single_line

# What the method calls normal; outside it the app warns but does not refuse.
DURATION_DAYS_MIN = 365
DURATION_DAYS_MAX = 2 * 366
CADENCE_WEEKS_MIN = 3
CADENCE_WEEKS_MAX = 6


def unit_warnings(*, planned_start: date, planned_end: date, cadence_weeks: int) -> list[str]:
    """What is unusual about a unit's plan: allowed, but worth a second look."""
    warnings = []
    days = (planned_end - planned_start).days
    if days < DURATION_DAYS_MIN or days > DURATION_DAYS_MAX:
        warnings.append(
            _(
                "The unit runs for %(months)d months; one to two years is usual, so that "
                "there is time for every phase."
            )
            % {"months": round(days / 30.4)}
        )
    if cadence_weeks < CADENCE_WEEKS_MIN or cadence_weeks > CADENCE_WEEKS_MAX:
        warnings.append(
            _(
                "The group meets every %(weeks)d weeks; every three to six weeks is usual "
                "for a learning community."
            )
            % {"weeks": cadence_weeks}
        )
    return warnings


def group_warnings(*, size: int, roles: set[str]) -> list[str]:
    """What the method expects of a group: 7-12 members, a facilitator and a researcher."""
    warnings = []
    if size < GROUP_SIZE_MIN or size > GROUP_SIZE_MAX:
        warnings.append(
            ngettext(
                "The group has %(size)d member; %(min)d to %(max)d is usual.",
                "The group has %(size)d members; %(min)d to %(max)d is usual.",
                size,
            )
            % {"size": size, "min": GROUP_SIZE_MIN, "max": GROUP_SIZE_MAX}
        )
    if Role.FACILITATOR not in roles:
        warnings.append(_("The unit has no facilitator."))
    if Role.RESEARCHER not in roles:
        warnings.append(_("The unit has no researcher."))
    return warnings


# Slugs that would collide with fixed addresses such as /units/new/.
RESERVED_SLUGS = {"new"}


def _unique_slug(model, name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:70].strip("-") or "unit"
    slug, n = base, 1
    if slug in RESERVED_SLUGS:
        slug, n = f"{base}-2", 2
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_name(name: str) -> None:
    try:
        single_line(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error


def _check_period(planned_start: date, planned_end: date) -> None:
    if planned_end <= planned_start:
        raise ValidationError(
            {"planned_end": _("The planned end must be after the planned start.")}
        )


def organisations_from_names(names: list[str]) -> list[Organisation]:
    """The organisations with these names, created when new (names compared case-blind)."""
    result = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        org = Organisation.objects.filter(name__iexact=name).first()
        if org is None:
            org = Organisation.objects.create(name=name[:200])
        result.append(org)
    return result


@transaction.atomic
def unit_create(
    *,
    creator,
    name: str,
    theme: str,
    planned_start: date,
    planned_end: date,
    cadence_weeks: int,
    target_group: str = "",
    programme: Programme | None = None,
    organisations=(),
    reminder_days_before: int = 2,
    names_in_reports: bool = False,
    researchers_attend: bool = False,
) -> Unit:
    """A new unit in phase 1; the person who creates it becomes its facilitator.

    The hooks in ``units.registry`` run in the same transaction.
    """
    _check_name(name)
    _check_period(planned_start, planned_end)
    unit = Unit.objects.create(
        name=name,
        slug=_unique_slug(Unit, name),
        theme=theme,
        target_group=target_group,
        programme=programme,
        planned_start=planned_start,
        planned_end=planned_end,
        cadence_weeks=cadence_weeks,
        reminder_days_before=reminder_days_before,
        names_in_reports=names_in_reports,
        researchers_attend=researchers_attend,
        created_by=creator,
    )
    unit.organisations.set(organisations)
    Membership.objects.create(
        unit=unit, user=creator, role=Role.FACILITATOR, joined_on=timezone.localdate()
    )
    # What the apps above need every unit to have (research: its default waves).
    registry.unit_created(unit=unit)
    return unit


UNIT_EDITABLE = (
    "name",
    "theme",
    "target_group",
    "programme",
    "planned_start",
    "planned_end",
    "cadence_weeks",
    "reminder_days_before",
    "names_in_reports",
    "researchers_attend",
)


@transaction.atomic
def unit_update(*, unit: Unit, organisations=None, **fields) -> Unit:
    """Change a unit's details (never its phase: that belongs to phases.services).

    The slug stays as it is, so that links people have saved keep working.
    """
    unknown = set(fields) - set(UNIT_EDITABLE)
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(unit, name, value)
    _check_name(unit.name)
    _check_period(unit.planned_start, unit.planned_end)
    unit.save(update_fields=list(fields))
    if organisations is not None:
        unit.organisations.set(organisations)
    return unit


@transaction.atomic
def programme_create(
    *, name: str, field: str = "", description: str = "", creator=None
) -> Programme:
    _check_name(name)
    return Programme.objects.create(
        name=name,
        slug=_unique_slug(Programme, name),
        field=field,
        description=description,
        created_by=creator,
    )
