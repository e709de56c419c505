import pytest
from django.db import connection
from django.urls import reverse


def test_healthz_reports_database_and_in_process_tasks(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


@pytest.mark.services
def test_healthz_reports_a_reachable_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr("bpu.views.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_answers_503_when_the_configured_broker_is_down(client, db, settings):
    # Nothing listens on port 1: the broker is unreachable.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.parametrize("path", ["/does-not-exist/", "/units/nope/"])
def test_unknown_pages_get_the_friendly_404(client_for, admin_user, path):
    response = client_for(admin_user).get(path)
    assert response.status_code == 404
