import pytest

from bpu.celery import ping


@pytest.mark.services
def test_a_task_goes_through_the_broker_to_a_worker_process_and_back(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_without_a_broker_tasks_run_in_process(settings):
    from bpu.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.CELERY_BROKER_URL)
    if not settings.CELERY_BROKER_URL:
        assert app.conf.task_always_eager
        assert ping.delay().get() == "pong"


def test_the_worker_is_configured_not_to_lose_long_jobs():
    from bpu.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit
