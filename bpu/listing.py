"""What a list page's template does once per row, done once per page.

A ``|date`` or a ``|truncatewords`` inside a twenty-row loop costs each row the template
engine's whole resolving machinery; these helpers look up what does not change between
rows (the date format) once and give the same text as the template would. Addresses
come from ``units.addresses.unit_url``, reversed once per process.
"""

from collections.abc import Callable
from datetime import date

from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils.formats import get_format
from django.utils.text import Truncator
from django.utils.timezone import template_localtime


def date_formatter(format_name: str) -> Callable:
    """``value|date:format_name`` for many values, in the active language and time zone.

    The format is split into its letters once (django.utils.dateformat splits it
    again for every value); each value is then written by the same DateFormat methods.
    """
    pieces = []  # (letter, "") or ("", literal text)
    for i, piece in enumerate(re_formatchars.split(str(get_format(format_name)))):
        if i % 2:
            pieces.append((piece, ""))
        elif piece:
            pieces.append(("", re_escaped.sub(r"\1", piece)))
    has_time = any(letter and hasattr(TimeFormat, letter) for letter, _text in pieces)

    def formatted(value) -> str:
        if value in (None, ""):
            return ""
        if has_time and type(value) is date:
            return DateFormat(value).format(get_format(format_name))  # Django's TypeError
        written = DateFormat(template_localtime(value))
        return "".join(
            str(getattr(written, letter)()) if letter else text for letter, text in pieces
        )

    return formatted


def truncated_words(text: str, words: int) -> str:
    """``text|truncatewords:words``."""
    return Truncator(text).words(words, truncate=" …")
