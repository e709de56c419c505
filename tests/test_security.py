"""Security settings a deployment relies on: CSP, cookies, idle sessions, lock-out, 503."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-only-production-like-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "bpu.example.org",
    "WEBAUTHN_RP_ID": "bpu.example.org",
    "WEBAUTHN_ORIGIN": "https://bpu.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_SETTINGS_MODULE": "bpu.settings",
}


def _production_settings(*names):
    """The values of these settings when the app starts with DEBUG=0 (a fresh process)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"names = {list(names)!r}; "
        "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=str))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SESSION_COOKIE_AGE")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _csp(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "pages must send a Content-Security-Policy"
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )


# --- Content-Security-Policy ---------------------------------------------------


def test_login_page_sends_a_csp_without_inline_scripts_or_styles(client, db):
    policy = _csp(client.get(reverse("accounts:login")))
    assert "'self'" in policy["script-src"]
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert "unsafe-inline" not in policy.get("style-src", "")
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_signed_in_pages_send_the_csp_too(client_for, member):
    response = client_for(member).get(reverse("units:dashboard"))
    assert response.status_code == 200
    assert "unsafe-inline" not in _csp(response)["script-src"]


def test_no_page_loads_anything_from_another_host(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "<script>" not in html and " style=" not in html


# --- Cookies and sessions ------------------------------------------------------


def test_production_settings_make_cookies_secure_httponly_and_samesite():
    values = _production_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "LANGUAGE_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_AGE",
        "SESSION_ENGINE",
        "SESSION_RENEW_AFTER_SECONDS",
    )
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 180
    # Idle sessions end after a working day, renewed by a visit at most once a minute.
    assert values["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert values["SESSION_ENGINE"] == "accounts.sessions"
    assert values["SESSION_RENEW_AFTER_SECONDS"] == 60


def test_production_settings_pass_the_deployment_checks():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({**PRODUCTION_ENV, "SECRET_KEY": ""})
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert out.returncode != 0
    assert "SECRET_KEY is not set" in out.stderr


def test_login_sets_a_secure_httponly_samesite_session_cookie(client, db, password, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    person = UserFactory()
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": password}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_a_session_ends_after_the_idle_time_and_is_renewed_by_use(client, db, password):
    person = UserFactory()
    client.post(reverse("accounts:login"), {"username": person.email, "password": password})
    session = Session.objects.get()
    # Used a minute ago: still signed in, and the expiry moves forward.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("units:dashboard")).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(hours=7)
    # Idle past the limit: signed out.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("units:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Lock-out per e-mail address and IP address ----------------------------------


def _login(email, password, ip):
    return Client(REMOTE_ADDR=ip).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def test_lockout_is_per_email_address_and_ip_address(db, password, settings):
    anna = UserFactory(email="anna@example.org")
    bob = UserFactory(email="bob@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(anna.email, "wrong", "10.0.0.1").status_code == 200
    _login(anna.email, "wrong", "10.0.0.1")
    # The attacked address + account pair is locked, even with the right password.
    assert _login(anna.email, password, "10.0.0.1").status_code == 429
    # The same person from another address can still log in ...
    assert _login(anna.email, password, "10.0.0.2").status_code == 302
    # ... and so can another person from the attacker's address.
    assert _login(bob.email, password, "10.0.0.1").status_code == 302


def test_lockout_ends_after_the_cool_off(db, password, settings):
    anna = UserFactory(email="anna@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(anna.email, "wrong", "10.0.0.1")
    assert _login(anna.email, password, "10.0.0.1").status_code == 429
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    assert _login(anna.email, password, "10.0.0.1").status_code == 302


# --- Database down: a clean 503 page --------------------------------------------


def _refuse(self):
    raise OperationalError("connection refused (simulated)")


def database_down():
    """Every new query fails as if PostgreSQL were unreachable (undone on leaving)."""
    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", _refuse)


def test_signed_in_page_answers_503_without_a_traceback_when_the_database_is_down(member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with database_down():
        response = client.get(reverse("units:dashboard"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "unsafe-inline" not in _csp(response)["script-src"]
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_login_attempt_answers_503_when_the_database_is_down(db, password):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post(
            reverse("accounts:login"), {"username": "anna@example.org", "password": password}
        )
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


def test_a_database_outage_while_saving_the_session_is_a_503_not_a_400(member):
    # The database goes away between reading the session and saving it: Django calls
    # that "session interrupted" (400); for the person it is the same outage.
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with mock.patch.object(Session, "save", side_effect=OperationalError("gone")):
        response = client.get(reverse("units:dashboard"))
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


def test_other_bad_requests_stay_400(client, db, settings):
    settings.ALLOWED_HOSTS = ["bpu.example.org"]
    response = Client(raise_request_exception=False, HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400


def test_the_503_page_speaks_dutch_to_dutch_visitors(db, password):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="nl")
    with database_down():
        response = client.post(
            reverse("accounts:login"), {"username": "anna@example.org", "password": password}
        )
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


# --- Administration ---------------------------------------------------------------


def test_error_pages_carry_the_csp_too(client_for, outsider, unit):
    response = client_for(outsider).get(reverse("units:detail", args=[unit.slug]))
    assert response.status_code == 404
    assert _csp(response)["default-src"] == "'self'"


def test_admin_is_closed_to_people_who_are_not_staff(client, client_for, member, admin_user):
    assert client.get(reverse("admin:index")).status_code == 302
    assert client_for(member).get(reverse("admin:index")).status_code == 302
    assert client_for(admin_user).get(reverse("admin:index")).status_code == 200
