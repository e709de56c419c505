"""The lock-out counts failed logins per e-mail address, whatever its case."""

import functools
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


def _login(email, password, ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def test_changing_the_case_of_the_address_does_not_buy_more_guesses(db, password, settings):
    UserFactory(email="student@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login("student@example.org", "wrong")
    # Another spelling of the same address is the same account: still locked.
    assert _login("Student@example.org", "wrong").status_code == 429
    assert _login("STUDENT@EXAMPLE.ORG", password).status_code == 429
    assert _login("student@example.org", password).status_code == 429


def test_failures_in_mixed_case_add_up_to_one_lock_out(db, password, settings):
    UserFactory(email="student@example.org")
    spellings = ["student@example.org", "Student@example.org", " STUDENT@example.ORG "]
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(spellings[i % len(spellings)], "wrong")
    assert _login("student@example.org", password).status_code == 429


def test_the_right_password_in_any_case_logs_in_before_a_lock_out(db, password):
    UserFactory(email="student@example.org")
    assert _login("student@example.org", "wrong").status_code == 200
    assert _login("Student@Example.ORG", password).status_code == 302


@pytest.mark.parametrize(
    "create",
    [
        lambda: User.objects.create_user(email="New.Person@Example.ORG", password="x"),
        lambda: User.objects.create(email="New.Person@Example.ORG"),
        lambda: UserFactory(email="New.Person@Example.ORG"),
    ],
    ids=["manager", "create", "factory"],
)
def test_addresses_are_stored_in_lower_case(db, create):
    assert create().email == "new.person@example.org"
    assert User.objects.get().email == "new.person@example.org"


def test_an_address_differing_only_in_case_is_refused_by_the_database(db):
    User.objects.create_user(email="anna@example.org")
    User.objects.create_user(email="bob@example.org")
    with pytest.raises(IntegrityError):
        User.objects.filter(email="bob@example.org").update(email="Anna@example.org")


def test_admin_stores_a_new_persons_address_in_lower_case(client_for, admin_user):
    response = client_for(admin_user).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.ORG",
            "full_name": "New Person",
            "password1": "Long-enough-password-9",
            "password2": "Long-enough-password-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


def test_admin_refuses_an_address_that_differs_only_in_case(client_for, admin_user):
    UserFactory(email="anna@example.org")
    response = client_for(admin_user).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Anna@Example.org",
            "full_name": "Anna Again",
            "password1": "Long-enough-password-9",
            "password2": "Long-enough-password-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Person with this E-mail address already exists."
    ]
    assert User.objects.filter(email__iexact="anna@example.org").count() == 1


# --- The data migration ----------------------------------------------------------

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_lower_case_email_addresses")]


@pytest.fixture
def migrator(transactional_db):
    """The database at accounts 0001; brought back to the latest schema afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_user_model(executor):
    return executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")


def test_the_migration_lowers_existing_addresses(migrator):
    OldUser = _old_user_model(migrator)
    OldUser.objects.create(email="Anna@Example.org", password="!")
    OldUser.objects.create(email="bob@example.org", password="!")
    migrator.migrate(AFTER)
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "anna@example.org",
        "bob@example.org",
    ]


def test_the_migration_stops_on_addresses_that_differ_only_in_case(migrator):
    OldUser = _old_user_model(migrator)
    OldUser.objects.create(email="Anna@Example.org", password="!")
    OldUser.objects.create(email="anna@example.org", password="!")
    with pytest.raises(RuntimeError) as error:
        migrator.migrate(AFTER)
    assert str(error.value) == (
        "Cannot store e-mail addresses in lower case: these accounts differ only in "
        "the case of their address: anna@example.org (2 accounts). Merge or rename "
        "them (admin or shell), then run the migration again."
    )
    OldUser.objects.filter(email="Anna@Example.org").delete()


# --- Behind reverse proxies: the client's address from X-Forwarded-For ----------------

PROXY_SETTINGS = (
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "IPWARE_STRICT",
)


@functools.cache
def _fresh_settings(env_items: tuple, names: tuple) -> dict:
    """The values of these settings when the app starts with this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **dict(env_items)},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def proxies(settings):
    """Configures the lock-out as the app would start with PROXY_COUNT=n."""

    def configure(count: int):
        values = _fresh_settings((("PROXY_COUNT", str(count)),), PROXY_SETTINGS)
        for name, value in values.items():
            setattr(settings, name, value)

    return configure


PROXY = "172.18.0.5"  # the reverse proxy, as the app sees it


def _via_proxy(email, password, forwarded_for):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for).post(
        reverse("accounts:login"), {"username": email, "password": password}
    )


def test_behind_one_proxy_each_client_address_is_locked_out_separately(
    db, password, settings, proxies
):
    proxies(1)
    UserFactory(email="anna@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy("anna@example.org", "wrong", "81.2.69.142")
    assert _via_proxy("anna@example.org", password, "81.2.69.142").status_code == 429
    # Anna herself, from another address behind the same proxy, is not locked out.
    assert _via_proxy("anna@example.org", password, "81.2.69.160").status_code == 302


def test_behind_one_proxy_a_forged_header_does_not_dodge_the_lock_out(
    db, password, settings, proxies
):
    proxies(1)
    UserFactory(email="anna@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy("anna@example.org", "wrong", "81.2.69.142")
    # The attacker sends his own X-Forwarded-For; the proxy appends the real address.
    assert _via_proxy("anna@example.org", password, "8.8.8.8, 81.2.69.142").status_code == 429


def test_behind_two_proxies_the_client_is_second_from_the_right(db, password, settings, proxies):
    proxies(2)
    UserFactory(email="anna@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy("anna@example.org", "wrong", "8.8.8.8, 81.2.69.142, 10.0.0.2")
    assert _via_proxy("anna@example.org", password, "81.2.69.142, 10.0.0.2").status_code == 429
    assert _via_proxy("anna@example.org", password, "81.2.69.160, 10.0.0.2").status_code == 302


def test_without_proxies_the_header_is_ignored(db, password, settings, proxies):
    proxies(0)
    UserFactory(email="anna@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _via_proxy("anna@example.org", "wrong", "81.2.69.142")
    # A different forged header is still the same (direct) client.
    assert _via_proxy("anna@example.org", password, "81.2.69.160").status_code == 429


@pytest.mark.parametrize("header", ["not-an-address", "", "81.2.69.142, ,", "999.1.1.1"])
def test_behind_a_proxy_a_malformed_header_counts_as_the_proxy(db, password, proxies, header):
    proxies(1)
    UserFactory(email="anna@example.org")
    assert _via_proxy("anna@example.org", password, header).status_code == 302
