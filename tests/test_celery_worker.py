import json
import os
import subprocess
import sys

import pytest

from bpu.celery import ping


@pytest.mark.services
def test_a_task_goes_through_the_broker_to_a_worker_process_and_back(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def _celery_conf_in_fresh_process(**env):
    """The Celery configuration a new process gets from the given environment."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")
    }
    code = (
        "import django, json; django.setup(); from bpu.celery import app; "
        "print(json.dumps([app.conf.task_always_eager, app.conf.broker_url]))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "bpu.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_a_broker_tasks_run_in_process():
    eager, broker = _celery_conf_in_fresh_process()
    assert eager is True
    assert not broker


def test_with_redis_url_tasks_go_to_the_broker():
    eager, broker = _celery_conf_in_fresh_process(REDIS_URL="redis://127.0.0.1:6379/3")
    assert eager is False
    assert broker == "redis://127.0.0.1:6379/3"


def test_the_worker_is_configured_not_to_lose_long_jobs():
    from bpu.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
