import logging
import os

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpu.settings")

logger = logging.getLogger(__name__)

app = Celery("bpu")
# All CELERY_* settings in bpu/settings.py configure this app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Errors that mean "the broker did not take the task".
BROKER_ERRORS = (OperationalError, RedisError, OSError)


def enqueue(task, *args, countdown: int | None = None) -> bool:
    """Hand ``task`` to the broker once, without the client's own retries.

    Returns False when the broker did not take it. Callers store what is to be
    done before they enqueue, and a periodic task sends again what is still
    waiting: a broker outage delays the work, it never fails (or hangs) the page
    that asked for it.
    """
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)
    except BROKER_ERRORS as exc:
        logger.warning("%s%r stays waiting: the broker did not take it (%s)", task.name, args, exc)
        return False
    return True


@app.task(name="bpu.ping")
def ping():
    """Answers 'pong': lets health checks and CI prove a worker is consuming."""
    return "pong"
