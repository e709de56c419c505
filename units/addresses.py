"""Addresses of unit pages, reversed once per process.

The unit tabs, the phase timeline and the links to units and sessions are on nearly
every page, often once per row; ``reverse()`` costs more than the rest of such a link.
An address only changes with its URL name, its arguments, the script prefix and the
URL configuration, so it is kept under exactly those (least recently used first out).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def unit_url(url_name: str, slug: str, *args) -> str:
    """``reverse(url_name, args=(slug, *args))``, from the cache when it was reversed before
    (any address whose first argument is a slug: a unit's, or its programme's)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(url_name, (slug, *args), get_script_prefix(), urlconf)


@lru_cache(maxsize=8192)
def _reversed(url_name: str, args: tuple, script_prefix: str, urlconf: str) -> str:
    return reverse(url_name, args=args, urlconf=urlconf)
