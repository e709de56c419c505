from datetime import date

from django import template
from django.utils.formats import date_format

from phases.choices import PLAIN_PHASE_TEXT
from phases.selectors import phase_timeline as build_timeline

register = template.Library()


@register.inclusion_tag("phases/_timeline.html")
def phase_timeline(unit, show_criteria=True):
    """The six phases of ``unit`` as a timeline, with the open criteria of the current one.

    Usage: ``{% load phases_tags %}{% phase_timeline unit %}``
    """
    return {
        "unit": unit,
        "timeline": build_timeline(unit, with_criteria=show_criteria, with_history=False),
        "show_criteria": show_criteria,
    }


@register.simple_tag
def plain_phase_text(number):
    """What phase ``number`` is about, in plain words for clients and family carers."""
    return PLAIN_PHASE_TEXT.get(number, "")


@register.filter
def stored_day(value, format_name="SHORT_DATE_FORMAT"):
    """A date kept as ISO text (plan snapshots) in the locale's format; "" when there is none."""
    if not value:
        return ""
    return date_format(date.fromisoformat(str(value)[:10]), format_name)
