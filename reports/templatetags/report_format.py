"""Dates and page furniture for the PDF reports, in the active language.

Numbers use the research app's filters (``num2``, ``pct``, ``signed2`` from
``research_format``), so the report prints exactly what the statistics page prints.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from reports.presenting import parse_date

register = template.Library()

MISSING = "-"


@register.filter
def day(value, fmt="j F Y"):
    """An ISO date (or a date) in the active language."""
    parsed = parse_date(value)
    return date_filter(parsed, fmt) if parsed else MISSING


def css_string(text: str) -> str:
    """Text as a quoted CSS string (safe inside a <style> element)."""
    escaped = "".join(
        c if c.isalnum() or c in " .,-:;()/'" else f"\\{ord(c):x} " for c in str(text)
    )
    return f'"{escaped}"'


@register.simple_tag
def page_x_of_y(template_text):
    """A CSS ``content`` value for a translated "Page {page} of {pages}"."""
    parts = []
    rest = str(template_text)
    while rest:
        head, marker, rest = rest.partition("{")
        if head:
            parts.append(css_string(head))
        if not marker:
            break
        name, _close, rest = rest.partition("}")
        parts.append("counter(pages)" if name == "pages" else "counter(page)")
    return mark_safe(" ".join(parts))  # noqa: S308 - every text part is escaped above


@register.filter
def figure(value):
    """A count as a whole number, anything else as the statistics page writes it."""
    from research.templatetags.research_format import num2

    if isinstance(value, bool) or value is None:
        return MISSING if value is None else str(value)
    if isinstance(value, int):
        return str(value)
    return num2(value)
