from celery import shared_task
from django.conf import settings

from .models import Status


@shared_task(
    bind=True,
    name="reports.render_report",
    # The state lives in the Report row; a result backend would only be one more
    # service that must be up to send the task.
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def render_report_task(self, report_id: int) -> str | None:
    from .services import report_render, report_send

    report = report_render(report_id, task_id=self.request.id)
    if report is None:
        return None
    if report.status == Status.QUEUED:
        # A failed attempt below the bound: try again a little later.
        report_send(report_id=report_id, countdown=min(30 * report.attempts, 300))
    return report.status


@shared_task(name="reports.resend_stale_reports", ignore_result=True)
def resend_stale_reports() -> dict:
    from .services import reports_resend_stale

    return reports_resend_stale()
