from django import template

from ..monitor_chart import sparkline_svg

register = template.Library()


@register.simple_tag
def sparkline(signals, series):
    """``{% sparkline signals "attendance" %}``: a unit's series as a small multiple."""
    return sparkline_svg(signals, series)
