"""Redis going away slows pages down; it does not break them."""

from django.core.cache import cache
from django.urls import reverse

UNREACHABLE = {
    "default": {
        "BACKEND": "bpu.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def test_an_unreachable_cache_is_a_miss_not_an_error(settings):
    settings.CACHES = UNREACHABLE
    assert cache.get("answer", "default") == "default"
    cache.set("answer", 42)
    assert cache.add("answer", 42) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("answer") is False


def test_statistics_page_works_while_the_cache_is_unreachable(settings, researcher, client_for):
    settings.CACHES = UNREACHABLE
    response = client_for(researcher).get(
        reverse("research:statistics", kwargs={"slug": researcher.memberships.get().unit.slug})
    )
    assert response.status_code == 200
