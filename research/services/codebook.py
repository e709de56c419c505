"""Writes of the codebook: measures one by one, or a whole codebook file (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from ..importing.codebook import CodebookReader, MeasureSpec
from ..importing.problems import Problems
from ..models import Measure, Observation
from ..templatetags.research_format import num
from ._common import lock_unit, open_file
from .data_version import data_version_bump


def _measure_exists(code) -> ValidationError:
    return ValidationError(
        {"code": _("A measure with code %(code)s already exists.") % {"code": code}}
    )


def _check_type_change(measure: Measure, new_type: str):
    if measure.pk and measure.type != new_type and measure.observations.exists():
        raise ValidationError(
            {"type": _("This measure has data, so its type cannot change.")},
        )


def _check_range_fits(measure: Measure, min_value, max_value):
    if not measure.pk or measure.type == "text":
        return
    bounds = measure.observations.aggregate(lo=Min("value_numeric"), hi=Max("value_numeric"))
    if bounds["lo"] is not None and min_value is not None and bounds["lo"] < min_value:
        raise ValidationError(
            {
                "min_value": _("There is data below this minimum (%(value)s).")
                % {"value": num(bounds["lo"])}
            }
        )
    if bounds["hi"] is not None and max_value is not None and bounds["hi"] > max_value:
        raise ValidationError(
            {
                "max_value": _("There is data above this maximum (%(value)s).")
                % {"value": num(bounds["hi"])}
            }
        )


MEASURE_FIELDS = (
    "code",
    "label",
    "construct",
    "type",
    "min_value",
    "max_value",
    "higher_is_better",
    "respondent",
    "missing_codes",
    "order",
)


@transaction.atomic
def measure_save(*, unit, measure: Measure | None = None, **values) -> Measure:
    """Create a measure (``measure=None``) or change one; refuses a type change once it has data."""
    if measure is None:
        measure = Measure(unit=unit)
        if "order" not in values:
            last = Measure.objects.filter(unit=unit).aggregate(m=Max("order"))["m"] or 0
            values["order"] = last + 1
    else:
        if measure.unit_id != unit.pk:
            raise ValidationError(_("This measure belongs to another unit."))
        if "type" in values:
            _check_type_change(measure, values["type"])
        _check_range_fits(measure, values.get("min_value"), values.get("max_value"))
    for name, value in values.items():
        if name not in MEASURE_FIELDS:
            raise TypeError(name)
        setattr(measure, name, value)
    lock_unit(unit)
    if Measure.objects.filter(unit=unit, code__iexact=measure.code).exclude(pk=measure.pk).exists():
        raise _measure_exists(measure.code)
    measure.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:
        # Inserted by another request between our check and our insert.
        raise _measure_exists(measure.code) from None
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure):
    """Delete a measure and its values (the history of its values goes with it)."""
    unit = measure.unit
    measure.delete()
    data_version_bump(unit=unit)


@dataclass
class CodebookResult:
    problems: Problems
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def codebook_import(*, unit, file, filename="", actor=None, sheet="") -> CodebookResult:
    """Create or update the unit's measures from a codebook file, by code. All or nothing.
    ``sheet`` names the sheet of a workbook (an export's is "codebook"; default the first)."""
    reader = CodebookReader(sheet=sheet)
    opened, filename = open_file(file, filename)
    try:
        specs = reader.read(opened, filename=filename)
    finally:
        if opened is not file:
            opened.close()
    problems = reader.problems
    result = CodebookResult(problems=problems)
    if problems:
        return result
    try:
        with transaction.atomic():
            _codebook_write(unit, specs, result)
    except _CodeTaken as taken:
        result.created = result.updated = 0
        problems.add(
            taken.spec.line,
            "code",
            _(
                "A measure with code %(code)s already exists (added while this file was "
                "read); upload the codebook again to update it."
            )
            % {"code": taken.spec.code},
        )
    return result


class _CodeTaken(Exception):
    def __init__(self, spec):
        super().__init__(spec.code)
        self.spec = spec


def _codebook_write(unit, specs, result):
    problems = result.problems
    lock_unit(unit)
    existing = {m.code.casefold(): m for m in Measure.objects.filter(unit=unit)}
    with_data = set(
        Observation.objects.filter(unit=unit).values_list("measure_id", flat=True).distinct()
    )
    ranges = {
        row["measure_id"]: row
        for row in Observation.objects.filter(unit=unit, value_numeric__isnull=False)
        .values("measure_id")
        .annotate(lo=Min("value_numeric"), hi=Max("value_numeric"))
    }
    last = max((m.order for m in existing.values()), default=0)
    for spec in specs:
        measure = existing.get(spec.code.casefold())
        _apply_spec(measure, spec, with_data, ranges, problems)
    if problems:
        return
    for spec in specs:
        measure = existing.get(spec.code.casefold())
        if measure is None:
            last += 1
            measure = Measure(unit=unit, order=last)
            result.created += 1
        else:
            result.updated += 1
        for name in ("code", "label", "construct", "type", "min_value", "max_value"):
            setattr(measure, name, getattr(spec, name))
        measure.higher_is_better = spec.higher_is_better
        measure.respondent = spec.respondent
        measure.missing_codes = spec.missing_codes
        try:
            measure.save()
        except IntegrityError:
            # Inserted by another request since we read the codebook: roll all back.
            raise _CodeTaken(spec) from None


def _apply_spec(measure, spec: MeasureSpec, with_data, ranges, problems):
    if measure is None:
        return
    if measure.type != spec.type and measure.pk in with_data:
        problems.add(
            spec.line,
            "type",
            _("The measure “%(code)s” has data, so its type cannot change from %(old)s to %(new)s.")
            % {"code": measure.code, "old": measure.type, "new": spec.type},
        )
    bounds = ranges.get(measure.pk)
    if bounds and spec.type != "text":
        if spec.min_value is not None and bounds["lo"] < spec.min_value:
            problems.add(
                spec.line,
                "min",
                _("The measure “%(code)s” has data below this minimum (%(value)s).")
                % {"code": measure.code, "value": num(bounds["lo"])},
            )
        if spec.max_value is not None and bounds["hi"] > spec.max_value:
            problems.add(
                spec.line,
                "max",
                _("The measure “%(code)s” has data above this maximum (%(value)s).")
                % {"code": measure.code, "value": num(bounds["hi"])},
            )
