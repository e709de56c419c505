from celery import shared_task
from django.conf import settings


@shared_task(
    name="research.process_import",
    # The state lives in the ImportBatch row; no result backend needed.
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def process_import_task(batch_id: int) -> str | None:
    """Check an uploaded data file (a dry run), or import a confirmed one."""
    from .services.import_batches import import_batch_process

    batch = import_batch_process(batch_id)
    return batch.status if batch is not None else None


@shared_task(name="research.resend_stale_imports", ignore_result=True)
def resend_stale_imports() -> dict:
    from .services.import_batches import import_batches_resend_stale

    return import_batches_resend_stale()
