"""Two factors: the code after the password, and who must have one (SECOND_FACTOR_REQUIRED)."""

import re
import time

import pytest
from django.core import signing
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TotpAddForm
from accounts.second_factor import SESSION_KEY
from accounts.services import recovery_codes_regenerate
from tests.factories import UserFactory


def log_in(client, user, password):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password}
    )
    assert response.status_code == 302, "the password step itself succeeds"
    return response


def code_for(device, *, offset=0):
    totp = TOTP(device.bin_key)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


@pytest.fixture
def required(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def app_user(db):
    """Someone who has added an authenticator app (and its recovery codes)."""
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    codes = recovery_codes_regenerate(user=user)
    return user, device, codes


DASHBOARD = reverse("units:dashboard")


@pytest.fixture
def verified_client(client_for):
    """Logged in, second factor given (as after the code page)."""

    def make(user):
        client = client_for(user)
        session = client.session
        assert session.pop(SESSION_KEY) == "verify", "someone with an app owes a code"
        session.save()
        return client

    return make


def test_a_researcher_without_a_second_factor_is_sent_to_set_one_up(
    client, researcher, password, required
):
    log_in(client, researcher, password)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:totp_add')}?next=%2F"
    # Nothing else either, the admin and the profile included; a POST is turned away too.
    for path in (reverse("accounts:profile"), reverse("notifications:list"), "/admin/"):
        assert client.get(path).url.startswith(reverse("accounts:totp_add"))
    assert client.post(reverse("accounts:profile"), {"full_name": "X"}).url == reverse(
        "accounts:totp_add"
    )
    page = client.get(reverse("accounts:totp_add")).content.decode()
    assert "Your role asks for a second step when you log in." in page


def test_administrators_must_set_one_up_too(client, admin_user, password, required):
    log_in(client, admin_user, password)
    assert client.get("/admin/").url.startswith(reverse("accounts:totp_add"))


def test_other_roles_are_not_asked_when_it_is_required(client, member, password, required):
    log_in(client, member, password)
    assert client.get(DASHBOARD).status_code == 200


def test_without_the_setting_a_researcher_gets_in_with_a_password(client, researcher, password):
    log_in(client, researcher, password)
    assert client.get(DASHBOARD).status_code == 200


def test_setting_up_an_app_lets_the_researcher_in_and_shows_recovery_codes(
    client, researcher, password, required
):
    log_in(client, researcher, password)
    page = client.get(reverse("accounts:totp_add"))
    assert page.content.decode().count("data:image/svg+xml") == 1  # the QR code
    secret = signing.loads(page.context["form"].initial["secret"], salt=TotpAddForm.SALT)
    device = TOTPDevice(key=secret["key"])
    response = client.post(
        reverse("accounts:totp_add"),
        {
            "name": "Work phone",
            "code": code_for(device),
            "secret": page.context["form"].initial["secret"],
        },
    )
    assert response.url == reverse("accounts:recovery_codes")
    assert list(TOTPDevice.objects.filter(user=researcher).values_list("name", flat=True)) == [
        "Work phone"
    ]
    codes = client.get(response.url).context["codes"]
    assert len(codes) == 10
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_first_code_adds_no_app(client, researcher, password, required):
    log_in(client, researcher, password)
    page = client.get(reverse("accounts:totp_add"))
    secret = signing.loads(page.context["form"].initial["secret"], salt=TotpAddForm.SALT)
    wrong = code_for(TOTPDevice(key=secret["key"]), offset=600)
    response = client.post(
        reverse("accounts:totp_add"),
        {"name": "Phone", "code": wrong, "secret": page.context["form"].initial["secret"]},
    )
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=researcher).exists()


def test_someone_with_an_app_gives_its_code_after_the_password(client, app_user, password):
    user, device, _codes = app_user
    log_in(client, user, password)
    response = client.get(DASHBOARD)
    assert response.url == f"{reverse('accounts:second_factor')}?next=%2F"
    response = client.post(response.url, {"code": code_for(device)})
    assert response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, app_user, password):
    user, device, _codes = app_user
    log_in(client, user, password)
    response = client.post(
        reverse("accounts:second_factor"), {"code": code_for(device, offset=600)}
    )
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()
    assert client.get(DASHBOARD).url.startswith(reverse("accounts:second_factor"))


def test_a_recovery_code_works_once(client, app_user, password):
    user, _device, codes = app_user
    log_in(client, user, password)
    response = client.post(reverse("accounts:second_factor"), {"code": codes[0]})
    assert response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    client.post(reverse("accounts:logout"))
    log_in(client, user, password)
    response = client.post(reverse("accounts:second_factor"), {"code": codes[0]})
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones(verified_client, app_user):
    user, _device, codes = app_user
    client = verified_client(user)
    client.post(reverse("accounts:recovery_codes"))
    new = client.get(reverse("accounts:recovery_codes")).context["codes"]
    assert len(new) == 10
    assert not set(new) & set(codes)


def test_the_only_app_stays_when_the_role_requires_one(verified_client, app_user, settings, unit):
    from tests.factories import MembershipFactory
    from units.models import Role

    user, device, _codes = app_user
    MembershipFactory(unit=unit, user=user, role=Role.RESEARCHER)
    settings.SECOND_FACTOR_REQUIRED = True
    client = verified_client(user)
    response = client.post(reverse("accounts:totp_remove", args=[device.pk]), follow=True)
    assert "This is your only authenticator app and your role requires one." in (
        response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=user).count() == 1

    settings.SECOND_FACTOR_REQUIRED = False
    client.post(reverse("accounts:totp_remove", args=[device.pk]))
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_nobody_removes_someone_elses_app(client_for, app_user):
    _user, device, _codes = app_user
    response = client_for(UserFactory()).post(reverse("accounts:totp_remove", args=[device.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_security_page_lists_the_apps_and_the_recovery_codes_left(verified_client, app_user):
    user, _device, _codes = app_user
    page = verified_client(user).get(reverse("accounts:security")).content.decode()
    assert "Phone" in page
    assert re.search(r"You have 10 recovery codes left", page)


def test_my_data_names_the_app_but_not_its_secret(verified_client, app_user):
    import io
    import zipfile

    user, device, _codes = app_user
    response = verified_client(user).get(reverse("accounts:my_data"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    assert '"Phone"' in everything
    assert device.key not in everything


def test_after_wrong_codes_the_person_is_told_to_wait(client, app_user, password, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    settings.OTP_STATIC_THROTTLE_FACTOR = 60
    user, device, _codes = app_user
    log_in(client, user, password)
    client.post(reverse("accounts:second_factor"), {"code": code_for(device, offset=600)})
    # Even the right code waits: and the page says so, instead of "not right".
    response = client.post(reverse("accounts:second_factor"), {"code": code_for(device)})
    page = response.content.decode()
    assert re.search(r"Too many wrong codes. Wait (59|60) seconds and try again.", page)
    assert client.get(DASHBOARD).url.startswith(reverse("accounts:second_factor"))


def test_the_second_factor_adds_no_query_to_ordinary_pages(
    client_for, verified_client, researcher, settings
):
    """Who owes a second factor is decided at login and kept in the session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def dashboard_queries(client):
        client.get(DASHBOARD)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    without = dashboard_queries(client_for(researcher))
    settings.SECOND_FACTOR_REQUIRED = True
    TOTPDevice.objects.create(user=researcher, name="Phone", confirmed=True)
    assert dashboard_queries(verified_client(researcher)) == without
