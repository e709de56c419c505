"""What a list page's template does once per row, done once per page.

A ``{% url %}``, a ``|date`` or a ``{% blocktranslate count %}`` inside a twenty-row
loop costs each row the template engine's whole resolving machinery; these helpers
look up what does not change between rows (the URL's pattern, the date format, the
translation) once and give the same text as the template would.
"""

from collections.abc import Callable

from django.urls import reverse
from django.utils import dateformat
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
    """``value|date:format_name`` for many values, in the active language and time zone."""
    date_format = get_format(format_name)

    def formatted(value) -> str:
        if value in (None, ""):
            return ""
        return dateformat.format(template_localtime(value), date_format)

    return formatted


def truncated_words(text: str, words: int) -> str:
    """``text|truncatewords:words``."""
    return Truncator(text).words(words, truncate=" …")
