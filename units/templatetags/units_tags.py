from django import template

from units import registry

register = template.Library()


@register.simple_tag
def unit_tabs(unit, access):
    """The tabs of ``unit`` that ``access`` allows, in order, with their URLs
    (``units.registry``; the apps register theirs). No query.

    Usage: ``{% load units_tags %}{% unit_tabs unit access as tabs %}``
    """
    if not hasattr(access, "perms"):
        raise TypeError("units/_unit_nav.html needs the page's access (a UnitAccess) as `access`.")
    return registry.tab_links(unit, access.perms)
