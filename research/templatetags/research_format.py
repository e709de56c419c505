"""Numbers as researchers read them: two decimals in the reader's language, "-" for none.

``{{ value|num2 }}`` gives ``3,47`` in Dutch and ``3.47`` in English; the PDF
reports use the same filters, so the numbers on paper match the screen.
"""

import math

from django import template
from django.utils.formats import get_format, number_format

register = template.Library()

MISSING = "-"


def _finite(value):
    if value is None or value == "":
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@register.filter
def num2(value, decimals=2):
    """A number with (by default) two decimals in the active language; "-" for None/NaN."""
    number = _finite(value)
    if number is None:
        return MISSING
    decimals = int(decimals)
    # Round first so that -0.001 shows as 0,00 and not -0,00.
    number = round(number, decimals) + 0.0
    return number_format(number, decimal_pos=decimals, use_l10n=True)


@register.filter
def pct(value, decimals=1):
    """A proportion (0..1) as a percentage in the active language: 0.625 -> "62,5%"."""
    number = _finite(value)
    if number is None:
        return MISSING
    return f"{num2(number * 100, decimals)}%"


@register.filter
def signed2(value, decimals=2):
    """Like num2 but with an explicit + for positive numbers (changes: +0,50)."""
    number = _finite(value)
    if number is None:
        return MISSING
    text = num2(number, decimals)
    return f"+{text}" if round(number, int(decimals)) > 0 else text


@register.filter
def pvalue(value):
    """A p value with three decimals in the active language; "< 0,001" below that."""
    number = _finite(value)
    if number is None:
        return MISSING
    if number < 0.001:
        return f"< {num2(0.001, 3)}"
    return num2(number, 3)


@register.filter
def signed_pct(value, decimals=1):
    """A difference of proportions in percentage points, with its sign: 0.25 -> "+25,0%"."""
    number = _finite(value)
    if number is None:
        return MISSING
    text = pct(number, decimals)
    return f"+{text}" if round(number * 100, int(decimals)) > 0 else text


@register.filter
def parse_iso(value):
    """An ISO date string (as the statistics store it) as a date, for the date filter."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def num(value):
    """A number as entered, in the active language: 37.5 -> "37,5", 2500.0 -> "2500",
    1e-07 -> "1e-07" (the shortest form that reads back as the same number); text as it is."""
    if isinstance(value, str | bool):
        return value
    number = _finite(value)
    if number is None:
        return MISSING
    text = str(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))
