"""What a list page's template does once per row, done once per page.

A ``{% url %}``, a ``|date`` or a ``{% blocktranslate count %}`` inside a twenty-row
loop costs each row the template engine's whole resolving machinery; these helpers
look up what does not change between rows (the URL's pattern, the date format, the
translation) once and give the same text as the template would.
"""

from collections.abc import Callable
from datetime import date

from django.urls import reverse
from django.utils.dateformat import DateFormat, TimeFormat, re_escaped, re_formatchars
from django.utils.formats import get_format
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

# An id no row has: where it lands in a reversed URL is where each row's id goes.
_ID_SLOT = "2147483647"


def url_for_each(viewname: str, *args) -> Callable[[int], str]:
    """``reverse(viewname, args=[*args, pk])`` for many ``pk``, at the cost of one reverse."""
    url = reverse(viewname, args=[*args, int(_ID_SLOT)])
    if url.count(_ID_SLOT) != 1:  # the slot's digits in a slug too: no shortcut
        return lambda pk: reverse(viewname, args=[*args, pk])
    head, _slot, tail = url.partition(_ID_SLOT)
    return lambda pk: f"{head}{pk}{tail}"


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
