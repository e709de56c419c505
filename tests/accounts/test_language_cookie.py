"""The language cookie carries the attributes the settings give it, wherever it is set."""

import pytest
from django.test import override_settings
from django.urls import reverse

COOKIE_SETTINGS = {
    "LANGUAGE_COOKIE_NAME": "bpu_language",
    "LANGUAGE_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_HTTPONLY": True,
    "LANGUAGE_COOKIE_SAMESITE": "Strict",
    "LANGUAGE_COOKIE_AGE": 3600,
    "LANGUAGE_COOKIE_PATH": "/",
    "LANGUAGE_COOKIE_DOMAIN": None,
}


def _attributes(cookie):
    return {
        "value": cookie.value,
        "secure": cookie["secure"],
        "httponly": cookie["httponly"],
        "samesite": cookie["samesite"],
        "max-age": cookie["max-age"],
        "path": cookie["path"],
    }


EXPECTED = {
    "value": "nl",
    "secure": True,
    "httponly": True,
    "samesite": "Strict",
    "max-age": 3600,
    "path": "/",
}


@pytest.fixture
def person(db):
    from tests.factories import UserFactory

    return UserFactory(email="anna@example.org")


@override_settings(**COOKIE_SETTINGS)
def test_saving_the_profile_sets_the_language_cookie_as_configured(client_for, person):
    response = client_for(person).post(
        reverse("accounts:profile"), {"full_name": "Anna", "language": "nl"}
    )
    assert response.status_code == 302
    assert _attributes(response.cookies["bpu_language"]) == EXPECTED


@override_settings(**COOKIE_SETTINGS)
def test_the_language_switch_sets_the_language_cookie_as_configured(client, db):
    response = client.post(reverse("accounts:switch_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert _attributes(response.cookies["bpu_language"]) == EXPECTED
