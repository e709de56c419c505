"""Background work for units: e-mails. Tasks take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="units.send_invitation_email")
def send_invitation_email(invitation_id: int) -> bool:
    return services.invitation_send_email(invitation_id=invitation_id)


@shared_task(name="units.send_waiting_invitation_emails")
def send_waiting_invitation_emails() -> list[int]:
    """Run by beat: the invitation e-mails the broker did not take when they were made."""
    return services.invitations_send_waiting()


@shared_task(name="units.send_session_reminders")
def send_session_reminders() -> int:
    """Run by beat every quarter of an hour; each session is reminded of once."""
    return services.reminders_send_due()


@shared_task(name="units.apply_retention")
def apply_retention() -> dict:
    """Run by beat daily: warn before, and purge after, each unit's retention period."""
    run = services.retention_apply()
    return {"warned": run.warned, "purged": run.purged}


@shared_task(name="units.purge_access_log")
def purge_access_log() -> int:
    """Run by beat once a day: access log entries older than the retention go."""
    return services.access_log_purge()
