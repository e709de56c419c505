"""Settings that cannot work refuse to start, with a message that says what to change.

Each case starts the settings in a fresh process with its own environment.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

LIMITS = ("CELERY_TASK_TIME_LIMIT", "CELERY_TASK_SOFT_TIME_LIMIT")


def _start(env: dict, *names):
    """Start the settings with this environment: (exit code, setting values, stderr)."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    base = {
        k: v for k, v in os.environ.items() if k not in (*LIMITS, "PROXY_COUNT", "HEALTHZ_TOKEN")
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    values = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None
    return out.returncode, values, out.stderr


def _error(stderr: str) -> str:
    """The last line of the traceback: the exception and its message."""
    return stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"CELERY_TASK_TIME_LIMIT": 300, "CELERY_TASK_SOFT_TIME_LIMIT": 240}),
        # Only the hard limit set: the soft limit follows it (a fifth earlier).
        (
            {"CELERY_TASK_TIME_LIMIT": "120"},
            {"CELERY_TASK_TIME_LIMIT": 120, "CELERY_TASK_SOFT_TIME_LIMIT": 96},
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "2"},
            {"CELERY_TASK_TIME_LIMIT": 2, "CELERY_TASK_SOFT_TIME_LIMIT": 1},
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "600", "CELERY_TASK_SOFT_TIME_LIMIT": "590"},
            {"CELERY_TASK_TIME_LIMIT": 600, "CELERY_TASK_SOFT_TIME_LIMIT": 590},
        ),
    ],
    ids=["defaults", "hard-only", "smallest", "both"],
)
def test_task_time_limits_that_work(env, expected):
    returncode, values, stderr = _start(env, *LIMITS)
    assert returncode == 0, stderr
    assert values == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CELERY_TASK_TIME_LIMIT": "300", "CELERY_TASK_SOFT_TIME_LIMIT": "300"},
            "CELERY_TASK_SOFT_TIME_LIMIT (300 s) must be below CELERY_TASK_TIME_LIMIT (300 s): "
            "the soft limit lets a job give up cleanly before the hard limit stops it.",
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "120", "CELERY_TASK_SOFT_TIME_LIMIT": "240"},
            "CELERY_TASK_SOFT_TIME_LIMIT (240 s) must be below CELERY_TASK_TIME_LIMIT (120 s): "
            "the soft limit lets a job give up cleanly before the hard limit stops it.",
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "0"},
            "CELERY_TASK_TIME_LIMIT must be at least 2 seconds, not 0.",
        ),
        (
            {"CELERY_TASK_TIME_LIMIT": "1"},
            "CELERY_TASK_TIME_LIMIT must be at least 2 seconds, not 1.",
        ),
        (
            {"CELERY_TASK_SOFT_TIME_LIMIT": "-5"},
            "CELERY_TASK_SOFT_TIME_LIMIT must be a positive number of seconds, not -5.",
        ),
    ],
    ids=["soft-equals-hard", "soft-above-hard", "hard-zero", "hard-one", "soft-negative"],
)
def test_task_time_limits_that_cannot_work_stop_the_start(env, message):
    returncode, _values, stderr = _start(env, *LIMITS)
    assert returncode == 1
    assert _error(stderr) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_a_negative_proxy_count_stops_the_start():
    returncode, _values, stderr = _start({"PROXY_COUNT": "-1"}, "PROXY_COUNT")
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: PROXY_COUNT is -1; set it to the number "
        "of reverse proxies in front of the app (0 when clients connect directly)."
    )


def test_an_access_log_retention_under_a_year_stops_the_start():
    returncode, _values, stderr = _start(
        {"ACCESS_LOG_RETENTION_YEARS": "0"}, "ACCESS_LOG_RETENTION_YEARS"
    )
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: ACCESS_LOG_RETENTION_YEARS is 0; set it "
        "to 1 or more (the database never lets an access log entry of the last year go)."
    )


def test_the_access_log_retention_comes_from_the_environment():
    returncode, values, _stderr = _start(
        {"ACCESS_LOG_RETENTION_YEARS": "7"}, "ACCESS_LOG_RETENTION_YEARS"
    )
    assert (returncode, values) == (0, {"ACCESS_LOG_RETENTION_YEARS": 7})


def test_a_short_healthz_token_stops_the_start():
    returncode, _values, stderr = _start({"HEALTHZ_TOKEN": "short"}, "HEALTHZ_TOKEN")
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: HEALTHZ_TOKEN is too short to keep the "
        "health details private: use at least 20 random characters, or leave it empty to show "
        "them to administrators only."
    )


PASSKEY_SITE = {"WEBAUTHN_RP_ID": "bpu.example.org", "WEBAUTHN_ORIGIN": "https://bpu.example.org"}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "bpu.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    **PASSKEY_SITE,
}
NO_BROKER = {"CELERY_BROKER_URL": "", "REDIS_URL": ""}


def test_production_without_a_broker_stops_the_start():
    returncode, _values, stderr = _start({**PRODUCTION, **NO_BROKER}, "CELERY_TASK_ALWAYS_EAGER")
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: No broker is configured: set "
        "CELERY_BROKER_URL (or REDIS_URL), for example redis://redis:6379/0, and run a Celery "
        "worker. Without one, reports and imports would run inside the web process. Set "
        "TASKS_IN_PROCESS=1 only for a one-off command that starts no tasks (collectstatic, "
        "check)."
    )


@pytest.mark.parametrize(
    ("env", "eager"),
    [
        ({**PRODUCTION, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}, False),
        ({**PRODUCTION, **NO_BROKER, "TASKS_IN_PROCESS": "1"}, True),
        ({"DEBUG": "1", **NO_BROKER}, True),
    ],
    ids=["production-with-broker", "asked-for-by-name", "development"],
)
def test_tasks_run_in_process_only_in_development_or_when_asked(env, eager):
    returncode, values, stderr = _start(env, "CELERY_TASK_ALWAYS_EAGER")
    assert returncode == 0, stderr
    assert values == {"CELERY_TASK_ALWAYS_EAGER": eager}


PASSKEY_HELP = (
    "Passkeys need the site's own name: set WEBAUTHN_RP_ID to its host name and "
    "WEBAUTHN_ORIGIN to its address, for example WEBAUTHN_RP_ID=bpu.example.org and "
    "WEBAUTHN_ORIGIN=https://bpu.example.org."
)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WEBAUTHN_RP_ID": ""}, f"WEBAUTHN_RP_ID is not set. {PASSKEY_HELP}"),
        ({"WEBAUTHN_ORIGIN": ""}, f"WEBAUTHN_ORIGIN is not set. {PASSKEY_HELP}"),
        (
            {"WEBAUTHN_ORIGIN": "https://evil.example"},
            "WEBAUTHN_ORIGIN (https://evil.example) is not an address of WEBAUTHN_RP_ID "
            f"(bpu.example.org). {PASSKEY_HELP}",
        ),
        (
            {"WEBAUTHN_ORIGIN": "https://notbpu.example.org"},
            "WEBAUTHN_ORIGIN (https://notbpu.example.org) is not an address of WEBAUTHN_RP_ID "
            f"(bpu.example.org). {PASSKEY_HELP}",
        ),
    ],
    ids=["no-rp-id", "no-origin", "another-site", "lookalike-name"],
)
def test_production_without_the_passkey_site_stops_the_start(env, message):
    returncode, _values, stderr = _start({**PRODUCTION, **env}, "WEBAUTHN_RP_ID")
    assert returncode == 1
    assert _error(stderr) == f"django.core.exceptions.ImproperlyConfigured: {message}"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            PRODUCTION,
            {"WEBAUTHN_RP_ID": "bpu.example.org", "WEBAUTHN_ORIGIN": "https://bpu.example.org"},
        ),
        (
            {**PRODUCTION, "WEBAUTHN_ORIGIN": "https://app.bpu.example.org:8443/"},
            {
                "WEBAUTHN_RP_ID": "bpu.example.org",
                "WEBAUTHN_ORIGIN": "https://app.bpu.example.org:8443",
            },
        ),
        (
            {"DEBUG": "1", "WEBAUTHN_RP_ID": "", "WEBAUTHN_ORIGIN": ""},
            {"WEBAUTHN_RP_ID": "", "WEBAUTHN_ORIGIN": ""},
        ),
    ],
    ids=["production", "a-name-under-the-rp-id", "development-takes-the-request"],
)
def test_the_passkey_site_settings_that_start(env, expected):
    returncode, values, stderr = _start(env, "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN")
    assert returncode == 0, stderr
    assert values == expected
