"""One cell checked against its measure: numbers, yes/no, text, respondent codes."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

from ..models import RESPONDENT_RE, MeasureType
from .problems import shorten
from .tables import cell_text

MAX_TEXT_VALUE = 10_000
YES = frozenset({"ja", "yes", "1", "true", "j", "y"})
NO = frozenset({"nee", "no", "0", "false", "n"})
_respondent_re = re.compile(RESPONDENT_RE)
_number_re = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class ValueProblem(Exception):
    pass


def parse_number(raw) -> float:
    """A number from a cell: numbers as they are, text with a decimal point or comma."""
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if not _number_re.match(text):
            raise ValueProblem(_("“%(value)s” is not a number.") % {"value": shorten(raw)})
        value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": shorten(raw)})
    return value


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def parse_value(measure, raw) -> tuple[float | None, str]:
    """``(value_numeric, value_text)`` for one non-blank cell, or ``ValueProblem``."""
    kind = measure.type
    if kind == MeasureType.TEXT:
        text = cell_text(raw)
        if len(text) > MAX_TEXT_VALUE:
            raise ValueProblem(
                _("The text is longer than %(max)s characters.") % {"max": MAX_TEXT_VALUE}
            )
        return None, text
    if kind == MeasureType.YESNO:
        if isinstance(raw, bool):
            return (1.0 if raw else 0.0), ""
        word = cell_text(raw).lower()
        if word in YES:
            return 1.0, ""
        if word in NO:
            return 0.0, ""
        raise ValueProblem(
            _("“%(value)s” is not yes or no (use ja/nee, yes/no, 1/0 or true/false).")
            % {"value": shorten(raw)}
        )
    value = parse_number(raw)
    if kind == MeasureType.LIKERT and not value.is_integer():
        raise ValueProblem(
            _("“%(value)s” is not a whole number, which a likert scale needs.")
            % {"value": shorten(raw)}
        )
    if measure.min_value is not None and value < measure.min_value:
        raise ValueProblem(
            _("%(value)s is below the minimum %(min)s.")
            % {"value": _fmt(value), "min": _fmt(measure.min_value)}
        )
    if measure.max_value is not None and value > measure.max_value:
        raise ValueProblem(
            _("%(value)s is above the maximum %(max)s.")
            % {"value": _fmt(value), "max": _fmt(measure.max_value)}
        )
    return value, ""


def parse_respondent(raw) -> str:
    code = cell_text(raw)
    if not _respondent_re.match(code):
        raise ValueProblem(
            _(
                "“%(value)s” is not a respondent code: use 1-64 letters, digits, “-”, “_” or "
                "“.” (a pseudonym, never a name or e-mail address)."
            )
            % {"value": shorten(code)}
        )
    return code
