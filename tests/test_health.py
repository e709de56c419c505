"""/healthz says whether this process can serve pages; /healthz/details says what is down,
to monitoring (with HEALTHZ_TOKEN) and administrators only."""

import pytest
from django.db import connection
from django.urls import reverse

TOKEN = "test-healthz-token-0123456789abcdef"


class UnreachableDatabase:
    def cursor(self):
        raise connection.Database.OperationalError("connection refused")


@pytest.fixture
def token(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


# --- Liveness: /healthz ------------------------------------------------------------


def test_healthz_answers_ok_without_naming_components(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_stays_ok_while_the_broker_is_down(client, db, settings):
    # Nothing listens on port 1: the broker is unreachable. Pages still work.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    monkeypatch.setattr("bpu.views.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "down"}


# --- Details: /healthz/details -------------------------------------------------------


def test_details_with_the_token_report_database_and_in_process_tasks(client, db, settings, token):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz_details"), **token)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


@pytest.mark.services
def test_details_report_a_reachable_broker(client, db, token):
    response = client.get(reverse("healthz_details"), **token)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_details_answer_503_when_the_database_is_down(client, db, monkeypatch, token):
    monkeypatch.setattr("bpu.views.connection", UnreachableDatabase())
    response = client.get(reverse("healthz_details"), **token)
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_details_answer_503_when_the_configured_broker_is_down(client, db, settings, token):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz_details"), **token)
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_an_administrator_sees_the_details(client_for, admin_user, settings):
    settings.CELERY_BROKER_URL = ""
    response = client_for(admin_user).get(reverse("healthz_details"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


@pytest.mark.parametrize(
    ("who", "authorization"),
    [
        ("anonymous", None),
        ("anonymous", "Bearer wrong-token-0123456789abcdef"),
        ("anonymous", TOKEN),  # not as a bearer token
        ("member", None),
    ],
    ids=["no-token", "wrong-token", "not-bearer", "member"],
)
def test_everyone_else_is_refused_the_details(
    client, client_for, member, token, who, authorization
):
    c = client_for(member) if who == "member" else client
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = c.get(reverse("healthz_details"), **headers)
    assert response.status_code == 403
    assert response.json() == {"status": "forbidden"}


def test_without_a_configured_token_an_empty_bearer_is_refused(client, db, settings):
    settings.HEALTHZ_TOKEN = ""
    response = client.get(reverse("healthz_details"), HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/does-not-exist/", "/units/nope/"])
def test_unknown_pages_get_the_friendly_404(client_for, admin_user, path):
    response = client_for(admin_user).get(path)
    assert response.status_code == 404
