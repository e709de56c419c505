"""docker-compose.yml and the Dockerfile run the same commands CI and `make load` run natively.

There is no Docker engine on the CI machine, so the files are checked as data.
"""

import re
from pathlib import Path

import yaml

from loadtest.__main__ import WORKER_ARGS, gunicorn_command

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _expand(args):
    """${VAR:-default} -> default, as docker compose does with an empty environment."""
    return [re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(a)) for a in args]


def _without_bind(args):
    args = list(args)
    i = args.index("--bind")
    del args[i : i + 2]
    return args


def test_the_stack_has_every_service():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert SERVICES["db"]["image"].startswith("postgres:15")
    assert SERVICES["redis"]["image"].startswith("redis:7")


def test_web_runs_the_gunicorn_command_of_ci_and_make_load():
    web = _expand(SERVICES["web"]["command"])
    ci = re.search(
        r'"\$BIN/gunicorn" (bpu\.wsgi:application [^\\\n]*)', (ROOT / ".ci/run").read_text()
    )
    ci_args = ["gunicorn", *ci.group(1).split()]
    assert _without_bind(web)[:6] == _without_bind(ci_args)[:6]
    load = gunicorn_command(8107, 2)
    assert _without_bind(web)[1:6] == _without_bind(load)[1:6]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"gunicorn", "bpu.wsgi:application", "--bind", "0.0.0.0:8000"' in dockerfile


def test_worker_and_beat_commands():
    assert SERVICES["worker"]["command"] == ["celery", *WORKER_ARGS]
    for flag in ("--without-gossip", "--without-mingle", "--without-heartbeat"):
        assert flag in (ROOT / "tests" / "worker.py").read_text()  # the CI worker's flags
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "bpu", "beat"]


def test_web_and_worker_share_the_media_volume_and_production_settings():
    for name in ("web", "worker", "beat", "migrate"):
        service = SERVICES[name]
        env = service["environment"]
        assert env["DEBUG"] == "0"
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # required, from .env
        # Production refuses to start without the passkey site (bpu/settings.py).
        assert env["WEBAUTHN_RP_ID"].startswith("${WEBAUTHN_RP_ID:?")
        assert env["WEBAUTHN_ORIGIN"].startswith("${WEBAUTHN_ORIGIN:?")
        assert "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert "media:/data/media" in service["volumes"]
        assert env["MEDIA_ROOT"] == "/data/media"
    assert "media" in COMPOSE["volumes"]


def test_services_wait_for_healthy_dependencies_and_migrations():
    for name in ("web", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])


def test_the_image_runs_as_an_unprivileged_user_with_what_weasyprint_needs():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm" in dockerfile
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
    ):
        assert package in dockerfile
    assert "pip install -c constraints.txt ." in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER bpu$", dockerfile, re.M)


def test_docker_checks_liveness_and_ci_reads_the_details_with_the_token():
    healthcheck = " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "'http://127.0.0.1:8000/healthz'" in healthcheck
    ci = (ROOT / ".ci/run").read_text()
    assert 'HEALTHZ_TOKEN="ci-health-' in ci
    assert (
        'curl -fsS -H "Authorization: Bearer $HEALTHZ_TOKEN" http://127.0.0.1:8765/healthz/details'
        in ci
    )
    for name in ("web", "worker", "beat", "migrate"):
        assert SERVICES[name]["environment"]["HEALTHZ_TOKEN"] == "${HEALTHZ_TOKEN:-}"


def test_the_env_example_names_the_passkey_site():
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert "WEBAUTHN_RP_ID=bpu.example.org" in lines
    assert "WEBAUTHN_ORIGIN=https://bpu.example.org" in lines
