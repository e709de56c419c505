import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpu.settings")

app = Celery("bpu")
# All CELERY_* settings in bpu/settings.py configure this app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="bpu.ping")
def ping():
    """Answers 'pong': lets health checks and CI prove a worker is consuming."""
    return "pong"
