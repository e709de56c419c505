"""Unit page addresses come from a cache, and are what reverse() gives."""

from django.urls import clear_script_prefix, reverse, set_script_prefix

from units.addresses import unit_url


def test_a_cached_address_is_the_reversed_one():
    assert unit_url("units:detail", "ward-7") == reverse("units:detail", args=["ward-7"])
    assert unit_url("units:session_detail", "ward-7", 12) == reverse(
        "units:session_detail", args=["ward-7", 12]
    )
    assert unit_url("units:detail", "ward-7") == "/units/ward-7/"


def test_an_address_follows_the_script_prefix():
    assert unit_url("units:detail", "ward-7") == "/units/ward-7/"
    set_script_prefix("/bpu/")
    try:
        assert unit_url("units:detail", "ward-7") == "/bpu/units/ward-7/"
    finally:
        clear_script_prefix()
    assert unit_url("units:detail", "ward-7") == "/units/ward-7/"


def test_an_address_follows_the_url_configuration(settings):
    settings.ROOT_URLCONF = "tests.units.urls_elsewhere"
    assert unit_url("units:detail", "ward-7") == "/elsewhere/units/ward-7/"
