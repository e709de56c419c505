"""Passkeys (WebAuthn) as a second factor: added on the Security page, used at the second
step. Every answer comes from a software authenticator that signs as a real one does
(tests/accounts/soft_authenticator.py); the browser itself: tests/browser/test_passkeys_journey.py.
"""

import json

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import WebAuthnCredential
from accounts.passkeys import user_handle
from accounts.second_factor import SESSION_KEY
from tests.factories import UserFactory

from .soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("units:dashboard")
SECOND_STEP = reverse("accounts:second_factor")


def log_in(client, user, password):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert response.status_code == 302, "the password step itself succeeds"


def add_passkey(client, authenticator, name="Laptop"):
    options = client.post(reverse("accounts:passkey_add_options"))
    assert options.status_code == 200
    return client.post(
        reverse("accounts:passkey_add"),
        {"name": name, "passkey": authenticator.register(options.content.decode())},
    )


def login_options(client) -> str:
    response = client.post(reverse("accounts:passkey_login_options"))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def passkey_user(db, client_for):
    """Someone who added a passkey (with its recovery codes), then logged out."""
    user = UserFactory()
    authenticator = SoftAuthenticator()
    response = add_passkey(client_for(user), authenticator, name="Laptop")
    assert response.url == reverse("accounts:recovery_codes")
    return user, authenticator


@pytest.fixture
def required(settings):
    settings.SECOND_FACTOR_REQUIRED = True


def test_adding_a_passkey_stores_its_public_key_and_brings_recovery_codes(client_for):
    user = UserFactory(full_name="Anna de Wit")
    client = client_for(user)
    options = json.loads(client.post(reverse("accounts:passkey_add_options")).content)
    assert options["rp"] == {"id": "testserver", "name": "BPU"}
    assert options["user"]["name"] == user.email
    assert options["user"]["displayName"] == "Anna de Wit"
    # The account's handle names nobody: neither its number nor its address.
    assert str(user.pk) != options["user"]["id"] and "@" not in options["user"]["id"]

    authenticator = SoftAuthenticator()
    response = client.post(
        reverse("accounts:passkey_add"),
        {"name": "  Work   laptop ", "passkey": authenticator.register(json.dumps(options))},
    )
    assert response.url == reverse("accounts:recovery_codes")
    passkey = WebAuthnCredential.objects.get(user=user)
    assert (passkey.name, passkey.credential_id, passkey.sign_count, passkey.transports) == (
        "Work laptop",
        authenticator.id,
        0,
        ["internal"],
    )
    assert StaticToken.objects.filter(device__user=user).count() == 10
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Work laptop" in page
    assert "You have 10 recovery codes left" in page


def test_a_passkey_made_for_another_site_is_refused(client_for):
    user = UserFactory()
    response = add_passkey(client_for(user), SoftAuthenticator(origin="https://evil.example"))
    assert response.url == reverse("accounts:security")
    assert messages_of(response) == [
        "Your passkey could not be checked. Try again, or use another passkey."
    ]
    assert not WebAuthnCredential.objects.exists()


def test_a_registration_without_its_challenge_is_refused(client_for):
    """The answer must be to options this session asked for, once."""
    user = UserFactory()
    client = client_for(user)
    authenticator = SoftAuthenticator()
    options = client.post(reverse("accounts:passkey_add_options")).content.decode()
    answer = authenticator.register(options)
    client.post(reverse("accounts:passkey_add"), {"name": "A", "passkey": answer})
    client.get(reverse("accounts:recovery_codes"))  # read: the messages of adding it are shown
    assert WebAuthnCredential.objects.filter(user=user).count() == 1
    again = client.post(reverse("accounts:passkey_add"), {"name": "B", "passkey": answer})
    assert messages_of(again) == ["This took too long or the page was opened twice. Try again."]
    assert WebAuthnCredential.objects.filter(user=user).count() == 1


def test_the_same_passkey_cannot_be_added_to_a_second_account(passkey_user, client_for):
    _user, authenticator = passkey_user
    other = UserFactory()
    response = add_passkey(client_for(other), authenticator)
    assert messages_of(response) == ["This passkey has already been added."]
    assert not WebAuthnCredential.objects.filter(user=other).exists()


def test_someone_with_a_passkey_uses_it_at_the_second_step(client, passkey_user, password):
    user, authenticator = passkey_user
    log_in(client, user, password)
    response = client.get(DASHBOARD)
    assert response.url == f"{SECOND_STEP}?next=%2F"
    page = client.get(response.url).content.decode()
    assert "Use my passkey" in page
    assert 'data-passkey="authenticate"' in page
    assert "One of your recovery codes." in page  # no app: the field takes recovery codes

    options = json.loads(login_options(client))
    assert [c["id"] for c in options["allowCredentials"]] == [authenticator.id]
    response = client.post(
        SECOND_STEP, {"next": "/", "passkey": authenticator.sign_in(json.dumps(options))}
    )
    assert response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    passkey = WebAuthnCredential.objects.get(user=user)
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_an_answer_to_another_challenge_is_refused(client, passkey_user, password):
    user, authenticator = passkey_user
    log_in(client, user, password)
    options = login_options(client)
    answer = authenticator.sign_in(options, challenge="c29tZXRoaW5nLWVsc2U")
    response = client.post(SECOND_STEP, {"next": "/", "passkey": answer})
    assert response.url == f"{SECOND_STEP}?next=%2F"
    assert messages_of(response) == [
        "Your passkey could not be checked. Try again, or use your app or a recovery code."
    ]
    assert client.get(DASHBOARD).url.startswith(SECOND_STEP)
    assert WebAuthnCredential.objects.get(user=user).sign_count == 0


def test_an_answer_is_used_once(client, passkey_user, password):
    """Posted again (the challenge is gone from the session), the same answer fails."""
    user, authenticator = passkey_user
    log_in(client, user, password)
    answer = authenticator.sign_in(login_options(client))
    client.post(reverse("accounts:logout"))
    log_in(client, user, password)
    response = client.post(SECOND_STEP, {"passkey": answer})
    assert messages_of(response) == ["This took too long or the page was opened twice. Try again."]
    assert client.get(DASHBOARD).url.startswith(SECOND_STEP)


def test_someone_elses_passkey_does_not_let_you_in(client, passkey_user, password, client_for):
    _owner, authenticator = passkey_user
    other = UserFactory()
    add_passkey(client_for(other), SoftAuthenticator())
    log_in(client, other, password)
    # The owner's passkey signs the challenge given to the other person's session.
    response = client.post(SECOND_STEP, {"passkey": authenticator.sign_in(login_options(client))})
    assert messages_of(response) == [
        "This passkey is not one of yours. Use a passkey you added on your security page."
    ]
    assert client.get(DASHBOARD).url.startswith(SECOND_STEP)


def test_a_signature_counter_that_did_not_go_up_is_refused(client, passkey_user, password):
    """A copied passkey (or a replayed answer) repeats a counter the server has seen."""
    user, authenticator = passkey_user
    log_in(client, user, password)
    client.post(SECOND_STEP, {"passkey": authenticator.sign_in(login_options(client))})
    assert client.get(DASHBOARD).status_code == 200
    client.post(reverse("accounts:logout"))

    log_in(client, user, password)
    replayed = authenticator.sign_in(login_options(client), sign_count=1)
    response = client.post(SECOND_STEP, {"passkey": replayed})
    assert messages_of(response) == [
        "Your passkey could not be checked. Try again, or use your app or a recovery code."
    ]
    assert client.get(DASHBOARD).url.startswith(SECOND_STEP)
    assert WebAuthnCredential.objects.get(user=user).sign_count == 1


def test_a_malformed_answer_is_refused_with_a_message(client, passkey_user, password):
    user, _authenticator = passkey_user
    log_in(client, user, password)
    login_options(client)
    response = client.post(SECOND_STEP, {"passkey": "not json"})
    assert messages_of(response) == ["Your browser sent no answer from a passkey. Try again."]


@pytest.mark.parametrize(
    "answer, message",
    [
        ("[]", "Your browser sent no answer from a passkey. Try again."),
        (
            '{"id": "YQ", "rawId": "YQ", "type": "public-key", "response": "broken"}',
            "Your passkey could not be checked. Try again, or use another passkey.",
        ),
    ],
)
def test_a_malformed_registration_adds_nothing(client_for, answer, message):
    user = UserFactory()
    client = client_for(user)
    client.post(reverse("accounts:passkey_add_options"))
    response = client.post(reverse("accounts:passkey_add"), {"name": "A", "passkey": answer})
    assert response.url == reverse("accounts:security")
    assert messages_of(response) == [message]
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_a_name_too_long_is_refused_not_cut(client_for):
    user = UserFactory()
    client = client_for(user)
    options = client.post(reverse("accounts:passkey_add_options")).content.decode()
    answer = SoftAuthenticator().register(options)
    response = client.post(reverse("accounts:passkey_add"), {"name": "x" * 65, "passkey": answer})
    assert messages_of(response) == ["The name of a passkey can be 64 characters at most."]
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_options_are_only_given_while_the_second_step_is_owed(client_for):
    user = UserFactory()
    response = client_for(user).post(reverse("accounts:passkey_login_options"))
    assert response.status_code == 409
    assert response.json() == {"error": "You have already given your second step."}


def test_a_researcher_may_set_up_a_passkey_instead_of_an_app(
    client, researcher, password, required
):
    log_in(client, researcher, password)
    assert client.get(DASHBOARD).url.startswith(reverse("accounts:totp_add"))
    page = client.get(reverse("accounts:totp_add")).content.decode()
    assert "add a passkey on your security page" in page
    assert client.get(reverse("accounts:security")).status_code == 200
    response = add_passkey(client, SoftAuthenticator())
    assert response.url == reverse("accounts:recovery_codes")
    assert client.get(DASHBOARD).status_code == 200


def test_the_last_factor_stays_when_the_role_requires_one(client_for, researcher, required):
    client = client_for(researcher)
    session = client.session
    session.pop(SESSION_KEY, None)
    session.save()
    add_passkey(client, SoftAuthenticator())
    client.get(reverse("accounts:recovery_codes"))  # read: the messages of adding it are shown
    passkey = WebAuthnCredential.objects.get(user=researcher)
    response = client.post(reverse("accounts:passkey_remove", args=[passkey.pk]))
    assert messages_of(response) == [
        "This is your only second step and your role requires one. Add another passkey or "
        "an authenticator app first, then remove this one."
    ]
    assert WebAuthnCredential.objects.filter(user=researcher).count() == 1

    # With an app next to it, the passkey may go; then the app is the last one.
    app = TOTPDevice.objects.create(user=researcher, name="Phone", confirmed=True)
    client.post(reverse("accounts:passkey_remove", args=[passkey.pk]))
    assert not WebAuthnCredential.objects.filter(user=researcher).exists()
    client.post(reverse("accounts:totp_remove", args=[app.pk]))
    assert TOTPDevice.objects.filter(user=researcher).count() == 1


def test_removing_the_last_passkey_takes_the_recovery_codes_along(passkey_user, client_for):
    user, _authenticator = passkey_user
    passkey = WebAuthnCredential.objects.get(user=user)
    client = client_for(user)
    session = client.session
    session.pop(SESSION_KEY)
    session.save()
    response = client.post(reverse("accounts:passkey_remove", args=[passkey.pk]))
    assert messages_of(response) == ["The passkey has been removed."]
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_nobody_removes_someone_elses_passkey(passkey_user, client_for):
    user, _authenticator = passkey_user
    passkey = WebAuthnCredential.objects.get(user=user)
    response = client_for(UserFactory()).post(reverse("accounts:passkey_remove", args=[passkey.pk]))
    assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_my_data_holds_the_passkey_public_parts(passkey_user, client_for):
    import io
    import zipfile

    user, authenticator = passkey_user
    client = client_for(user)
    session = client.session
    session.pop(SESSION_KEY)
    session.save()
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("accounts:my_data")).content))
    rows = json.loads(archive.read("records/accounts.WebAuthnCredential.user.json"))
    assert [(r["name"], r["credential_id"], r["sign_count"]) for r in rows] == [
        ("Laptop", authenticator.id, 0)
    ]


def test_the_user_handle_is_the_same_for_every_passkey_of_a_person():
    anna, bert = UserFactory(), UserFactory()
    assert user_handle(anna) == user_handle(anna)
    assert user_handle(anna) != user_handle(bert)
    assert len(user_handle(anna)) == 32


def test_the_configured_site_is_used_for_both_ceremonies_whatever_the_host(
    client, settings, password
):
    """In production the relying party comes from settings, never from the Host header."""
    settings.WEBAUTHN_RP_ID = "bpu.example.org"
    settings.WEBAUTHN_ORIGIN = "https://bpu.example.org"
    settings.ALLOWED_HOSTS = ["bpu.example.org", "other.example.org"]
    user = UserFactory()
    client.defaults["HTTP_HOST"] = "other.example.org"
    client.force_login(user)
    options = json.loads(client.post(reverse("accounts:passkey_add_options")).content)
    assert options["rp"] == {"id": "bpu.example.org", "name": "BPU"}
    # A passkey made for the host the request named is refused; one for the site is kept.
    response = add_passkey(client, SoftAuthenticator(origin="http://other.example.org"))
    assert not WebAuthnCredential.objects.exists()
    authenticator = SoftAuthenticator(rp_id="bpu.example.org", origin="https://bpu.example.org")
    response = add_passkey(client, authenticator)
    assert response.url == reverse("accounts:recovery_codes")

    client.logout()
    log_in(client, user, password)
    options = json.loads(login_options(client))
    assert options["rpId"] == "bpu.example.org"
    response = client.post(
        SECOND_STEP, {"next": "/", "passkey": authenticator.sign_in(json.dumps(options))}
    )
    assert response.url == DASHBOARD
