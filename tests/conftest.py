"""Shared fixtures: one unit, and people standing in every relation to it."""

import pytest
from django.test import Client

from units.models import Role

from .factories import TEST_PASSWORD, MembershipFactory, UnitFactory, UserFactory


def _flush_past_the_access_log_guard():
    """Transactional tests empty the database after each test with ``flush``: on
    SQLite that is a DELETE, which the access log's trigger refuses (on PostgreSQL
    it is a TRUNCATE, which row triggers do not see). For the flush alone the guard
    is taken off and put back; no test of the guard runs during it."""
    from django.core.management.commands import flush
    from django.db import connections

    from units.access_log_guard import guard_statements, unguard_statements

    handle = flush.Command.handle

    def handle_past_the_guard(self, **options):
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            return handle(self, **options)
        with connection.cursor() as cursor:
            for statement in unguard_statements("sqlite"):
                cursor.execute(statement)
        try:
            return handle(self, **options)
        finally:
            with connection.cursor() as cursor:
                for statement in guard_statements("sqlite"):
                    cursor.execute(statement)

    flush.Command.handle = handle_past_the_guard


_flush_past_the_access_log_guard()


@pytest.fixture(autouse=True)
def _english_and_fast(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every request renews the session (in production at most once a minute): the
    # query-count tests count the most a request runs, the renewal's UPDATE included.
    # tests/accounts/test_session_renewal.py tests the production interval.
    settings.SESSION_RENEW_AFTER_SECONDS = 0


@pytest.fixture(autouse=True)
def _tasks_in_process(request, monkeypatch):
    """Outside the services tests, tasks run in-process even when a broker is configured
    (CI runs the whole suite against Redis as well): those tests check what a task does,
    the services tests check its delivery through a real worker."""
    if request.node.get_closest_marker("services"):
        return
    from bpu.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit(db):
    return UnitFactory()


def _member(unit, role):
    return MembershipFactory(unit=unit, role=role).user


@pytest.fixture
def facilitator(unit):
    return _member(unit, Role.FACILITATOR)


@pytest.fixture
def researcher(unit):
    return _member(unit, Role.RESEARCHER)


@pytest.fixture
def member(unit):
    return _member(unit, Role.PROFESSIONAL)


@pytest.fixture
def service_user(unit):
    return _member(unit, Role.SERVICE_USER)


@pytest.fixture
def manager(unit):
    return _member(unit, Role.MANAGER)


@pytest.fixture
def outsider(db):
    """Someone with an account who is not part of the unit."""
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    """A test client logged in as the given person."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def password():
    return TEST_PASSWORD


# --- The services stage: a real broker and a real Celery worker process -------


def pytest_collection_modifyitems(config, items):
    """Tests marked ``services`` need a broker: they run in CI's PostgreSQL + Redis stage.

    On the embedded defaults (no broker) they are deselected, not skipped, so a
    run never reports them as passed or skipped; CI's services stage sets
    CELERY_BROKER_URL and runs them all.
    """
    from django.conf import settings

    if settings.CELERY_BROKER_URL:
        return
    selected = [item for item in items if "services" not in item.keywords]
    deselected = [item for item in items if "services" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery worker`` process, consuming from the configured broker,
    writing to the test database. Yields a handle that can kill and restart it."""
    from tests.worker import WorkerProcess

    worker = WorkerProcess()
    worker.start()
    yield worker
    worker.stop()
