"""An idle session ends after SESSION_COOKIE_AGE; a visit renews it at most once a minute."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory


@pytest.fixture
def signed_in(client, db, password, settings):
    settings.SESSION_RENEW_AFTER_SECONDS = 60  # production's interval
    person = UserFactory()
    client.post(reverse("accounts:login"), {"username": person.email, "password": password})
    return client, Session.objects.get()


def _age_session(session, seconds):
    """The stored expiry as if the session had last been renewed ``seconds`` ago."""
    expire = timezone.now() + timedelta(hours=8) - timedelta(seconds=seconds)
    Session.objects.filter(pk=session.pk).update(expire_date=expire)
    return expire


def _session_writes(queries):
    return [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_a_visit_within_a_minute_of_the_last_renewal_writes_nothing(signed_in, settings):
    client, session = signed_in
    expire = _age_session(session, 30)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:dashboard"))
    assert response.status_code == 200
    assert _session_writes(queries.captured_queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get(pk=session.pk).expire_date == expire


def test_a_visit_a_minute_after_the_last_renewal_moves_the_expiry_and_the_cookie(
    signed_in, settings
):
    client, session = signed_in
    _age_session(session, 61)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("units:dashboard"))
    assert response.status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(hours=8) - timedelta(seconds=5)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_a_session_idle_past_its_expiry_is_signed_out(signed_in):
    client, session = signed_in
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("units:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_logging_out_ends_the_session_at_once_whatever_its_renewal(signed_in):
    client, session = signed_in
    _age_session(session, 10)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
