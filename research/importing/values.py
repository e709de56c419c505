"""One cell checked against its measure: numbers, yes/no, text, respondent codes.

Numbers in text cells follow the file's convention (``decimal``): ``"comma"`` for a
Dutch file (``2.500`` is two thousand five hundred, ``37,5`` a half), ``"point"`` for
an English one, ``None`` when the file does not say (an .xlsx, a tab-separated
file). A value that reads two ways under the file's convention is refused with both
readings, never guessed.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

from ..models import RESPONDENT_RE, MeasureType
from ..templatetags.research_format import num
from .problems import shorten
from .tables import UncachedFormula, cell_text

MAX_TEXT_VALUE = 10_000
YES = frozenset({"ja", "yes", "1", "true", "j", "y", "waar"})
NO = frozenset({"nee", "no", "0", "false", "n", "onwaar"})
DECIMAL_COMMA = "comma"
DECIMAL_POINT = "point"
_respondent_re = re.compile(RESPONDENT_RE)
_plain_re = re.compile(r"^(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_dot_groups_re = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")  # 1.250.000 or 1.250,50
_comma_groups_re = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")  # 1,250,000 or 1,250.50
_currency_re = re.compile(r"^(€|eur)|(€|eur)$", re.IGNORECASE)


# What a spreadsheet runs as a formula. The exports put a "'" before a text starting
# with one of these (OWASP's advice against CSV injection), or with "'" itself, so that
# ``unneutralise`` can take exactly that "'" off again when the export is imported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_START = (*FORMULA_START, "'")


class ValueProblem(Exception):
    pass


def neutralise(value):
    """A cell that cannot start a formula (and that ``unneutralise`` reads back)."""
    if isinstance(value, str) and value.startswith(_QUOTED_START):
        return "'" + value
    return value


def unneutralise(value):
    """A cell as it was before ``neutralise``: "'=1" is "=1", "''x" is "'x"; "'x" stays."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_QUOTED_START):
        return value[1:]
    return value


def _not_a_number(raw) -> ValueProblem:
    return ValueProblem(_("“%(value)s” is not a number.") % {"value": shorten(raw)})


def _grouped(text: str, decimal: str | None, raw) -> float:
    """A number with thousands separators (``1.250,50``, ``2.500``, ``1,250``)."""
    dots = _dot_groups_re.match(text)
    thousands, point = (".", ",") if dots else (",", ".")
    has_decimals = point in text
    separators = text.count(thousands)
    # "2.500" is 2500 in a Dutch file and 2,5 in an English one.
    if not has_decimals and separators == 1:
        if decimal is None:
            whole = float(text.replace(thousands, ""))
            raise ValueProblem(
                _(
                    "“%(value)s” can be read as %(one)s or as %(other)s; write it without "
                    "the thousands separator (%(other)s) or with a decimal comma."
                )
                % {
                    "value": shorten(raw),
                    "one": num(float(text.replace(thousands, "."))),
                    "other": num(whole),
                }
            )
        if (decimal == DECIMAL_COMMA) != bool(dots):  # the file's decimal mark
            return float(text.replace(thousands, "."))
    return float(text.replace(thousands, "").replace(point, "."))


def parse_number(raw, decimal: str | None = None) -> float:
    """A number from a cell: numbers as they are; text with a decimal comma or point,
    thousands separators (see the module), and a euro sign or ``EUR`` before or after."""
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip()
        for space in ("\u00a0", "\u202f", " "):
            text = text.replace(space, "")
        sign = ""
        if text[:1] in ("+", "-"):
            sign, text = text[0], text[1:]
        text = _currency_re.sub("", text)
        if text[:1] in ("+", "-") and not sign:
            sign, text = text[0], text[1:]
        if text.endswith("%"):
            raise ValueProblem(
                _(
                    "“%(value)s” has a percent sign: write the number without it, as the "
                    "codebook's range says (for example 12 or 0,12)."
                )
                % {"value": shorten(raw)}
            )
        if _plain_re.match(text):
            separator = "," if "," in text else "."
            if _three_after(text, separator):
                value = _grouped(text, decimal, raw)
            else:
                value = float(text.replace(",", "."))
        elif _dot_groups_re.match(text) or _comma_groups_re.match(text):
            value = _grouped(text, decimal, raw)
        else:
            raise _not_a_number(raw)
        if sign == "-":
            value = -value
    if not math.isfinite(value):
        raise _not_a_number(raw)
    return value


def _three_after(text: str, separator: str) -> bool:
    """``2.500``: one separator, 1-3 digits (not starting with 0) before it, 3 after."""
    before, _sep, after = text.partition(separator)
    return (
        len(after) == 3
        and after.isdigit()
        and 1 <= len(before) <= 3
        and before.isdigit()
        and before[0] != "0"
    )


def check_not_formula(raw) -> None:
    if isinstance(raw, UncachedFormula):
        raise ValueProblem(
            _(
                "A formula (%(formula)s) without a saved value: open the file in Excel, save "
                "it, and upload it again."
            )
            % {"formula": shorten(raw)}
        )


def is_missing_code(measure, raw) -> bool:
    """The cell holds one of the measure's declared missing codes (99, n.v.t.)."""
    codes = measure.missing_code_set
    return bool(codes) and cell_text(raw).casefold() in codes


def parse_value(measure, raw, decimal: str | None = None) -> tuple[float | None, str] | None:
    """``(value_numeric, value_text)`` for one non-blank cell, None for a declared
    missing code, or ``ValueProblem``."""
    check_not_formula(raw)
    if is_missing_code(measure, raw):
        return None
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
            _("“%(value)s” is not yes or no (use ja/nee, waar/onwaar, yes/no, 1/0 or true/false).")
            % {"value": shorten(raw)}
        )
    value = parse_number(raw, decimal)
    if kind == MeasureType.LIKERT and not value.is_integer():
        raise ValueProblem(
            _("“%(value)s” is not a whole number, which a likert scale needs.")
            % {"value": shorten(raw)}
        )
    if measure.min_value is not None and value < measure.min_value:
        raise ValueProblem(
            _("%(value)s is below the minimum %(min)s.")
            % {"value": num(value), "min": num(measure.min_value)}
        )
    if measure.max_value is not None and value > measure.max_value:
        raise ValueProblem(
            _("%(value)s is above the maximum %(max)s.")
            % {"value": num(value), "max": num(measure.max_value)}
        )
    return value, ""


def parse_respondent(raw) -> str:
    check_not_formula(raw)
    code = cell_text(raw)
    if not _respondent_re.match(code):
        raise ValueProblem(
            _(
                "“%(value)s” is not a respondent code: use 1-64 letters (accents too), digits, "
                "“-”, “_” or “.” (a pseudonym, never a name or e-mail address)."
            )
            % {"value": shorten(code)}
        )
    return code
