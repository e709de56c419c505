"""Background work for notifications: e-mails. Tasks take ids and call a service."""

from celery import shared_task

from . import monitor, services, steps


@shared_task(name="notifications.send_email", ignore_result=True)
def send_notification_email(user_id: int) -> int:
    """One person's e-mail of what is due; a second delivery finds it sent."""
    return services.notification_email_send(user_id=user_id)


@shared_task(name="notifications.send_due", ignore_result=True)
def send_due_notifications() -> int:
    """Run by beat: the digests, and "at once" e-mails the broker did not take."""
    return services.notifications_send_due()


@shared_task(name="notifications.steps_due", ignore_result=True)
def notify_steps_due() -> int:
    """Run by beat: action steps due soon or overdue."""
    return steps.steps_notify_due()


@shared_task(name="notifications.monitor_weekly", ignore_result=True)
def notify_monitor_weekly() -> int:
    """Run by beat: each unit's learning-monitor list, told to its facilitators once a week."""
    return monitor.monitor_notify_weekly()
