"""Single sign-on, end to end, against a real OpenID Connect provider in a thread.

oidc-provider-mock serves discovery, the authorisation page, tokens signed with
RS256, JWKS and userinfo over HTTP on a free port; our client (mozilla-django-oidc)
talks to it as to any provider. The test plays the browser: it follows our redirect
to the provider, "logs in" there as an e-mail address, and follows the provider's
redirect back to our callback.
"""

from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

from accounts.models import User
from accounts.services import users_approve
from tests.factories import UserFactory


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(db, settings, provider):
    """Single sign-on on, as bpu/settings.py turns it on from the environment."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "bpu-test"
    settings.OIDC_RP_CLIENT_SECRET = "bpu-test-secret"  # noqa: S105
    settings.OIDC_OP_DISCOVERY_URL = f"{provider}/.well-known/openid-configuration"
    settings.OIDC_PROVIDER_NAME = "Zorggroep Noord"
    settings.OIDC_ACTIVE_DOMAINS = ["zorggroep.nl"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.OIDCBackend",
    ]
    cache.clear()
    yield provider
    cache.clear()


def sign_in_at_provider(client, provider, email, name=""):
    """Our login button, the provider's page, and back: the response of our callback."""
    requests.put(f"{provider}/users/{email}", json={"email": email, "name": name}, timeout=5)
    start = client.get(reverse("accounts:oidc_login"))
    assert start.status_code == 302
    assert start.url.startswith(f"{provider}/oauth2/authorize?")
    at_provider = requests.post(start.url, data={"sub": email}, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == reverse("accounts:oidc_callback")
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client):
    response = client.get(reverse("accounts:profile"))
    return response.context["user"] if response.status_code == 200 else None


def test_a_known_address_logs_in_as_that_person_whatever_its_case(client, sso):
    anna = UserFactory(email="anna@zorggroep.nl")
    response = sign_in_at_provider(client, sso, "Anna@Zorggroep.NL")
    assert response.status_code == 302
    assert response.url == reverse("units:dashboard")
    assert signed_in_as(client) == anna
    assert User.objects.count() == 1


def test_someone_unknown_from_an_allowed_domain_is_created_and_logged_in(client, sso):
    response = sign_in_at_provider(client, sso, "bram@zorggroep.nl", name="Bram Jansen")
    assert response.url == reverse("units:dashboard")
    bram = User.objects.get(email="bram@zorggroep.nl")
    assert (bram.full_name, bram.is_active, bram.has_usable_password()) == (
        "Bram Jansen",
        True,
        False,
    )
    assert signed_in_as(client) == bram


def test_someone_from_elsewhere_waits_for_an_administrators_approval(client, sso):
    response = sign_in_at_provider(client, sso, "carla@elders.nl", name="Carla")
    assert response.url == reverse("accounts:awaiting_approval")
    page = client.get(response.url).content.decode()
    assert "An administrator first has to approve it." in page
    assert "Zorggroep Noord" in page
    carla = User.objects.get(email="carla@elders.nl")
    assert carla.is_active is False
    assert signed_in_as(client) is None

    # Approved in the admin: the same button now lets her in.
    assert users_approve(users=[carla]) == 1
    response = sign_in_at_provider(client, sso, "carla@elders.nl")
    assert response.url == reverse("units:dashboard")
    assert signed_in_as(client) == carla


def test_the_login_page_offers_the_organisations_button_only_when_configured(client, db, settings):
    assert "Log in with" not in client.get(reverse("accounts:login")).content.decode()
    # Off: the single sign-on addresses lead back to the login page, never an error.
    assert client.get(reverse("accounts:oidc_login")).url == reverse("accounts:login")
    assert client.get(reverse("accounts:oidc_callback")).url == reverse("accounts:login")


def test_the_login_page_shows_the_button_with_the_organisations_name(client, sso):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Log in with Zorggroep Noord" in page
    assert reverse("accounts:oidc_login") in page


def test_a_provider_that_cannot_be_reached_is_a_message_not_an_error(client, sso, settings):
    settings.OIDC_OP_DISCOVERY_URL = "http://localhost:9/.well-known/openid-configuration"
    settings.OIDC_TIMEOUT = 2
    response = client.get(reverse("accounts:oidc_login"), follow=True)
    assert response.status_code == 200
    assert "Zorggroep Noord cannot be reached at the moment." in response.content.decode()


def test_a_refusal_at_the_provider_returns_to_the_login_page_with_a_message(client, sso):
    start = client.get(reverse("accounts:oidc_login"))
    denied = requests.post(start.url, data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(denied.headers["Location"])
    response = client.get(f"{back.path}?{back.query}", follow=True)
    assert "Logging in with Zorggroep Noord did not work." in response.content.decode()
    assert signed_in_as(client) is None


def test_local_passwords_still_lock_out_with_single_sign_on_on(client, sso, password, settings):
    anna = UserFactory(email="anna@zorggroep.nl")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": anna.email, "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": anna.email, "password": password}
    )
    assert response.status_code == 429


def test_single_sign_on_asks_for_the_second_factor_too(client, sso):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    anna = UserFactory(email="anna@zorggroep.nl")
    TOTPDevice.objects.create(user=anna, name="Phone", confirmed=True)
    sign_in_at_provider(client, sso, "anna@zorggroep.nl")
    response = client.get(reverse("units:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:second_factor"))


def test_an_administrator_approves_waiting_people_in_the_admin(client_for, admin_user):
    waiting = UserFactory(email="dirk@elders.nl", is_active=False)
    response = client_for(admin_user).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert "1 person can now log in." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.is_active is True
