"""Background work for units: e-mails. Tasks take ids and call a service."""

from celery import shared_task

from . import services
from .models import Invitation


@shared_task(name="units.send_invitation_email")
def send_invitation_email(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("unit", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is not None and invitation.is_usable:
        services.invitation_send_email(invitation=invitation)


@shared_task(name="units.send_session_reminders")
def send_session_reminders() -> int:
    """Run by beat every quarter of an hour; each session is reminded of once."""
    return services.reminders_send_due()
