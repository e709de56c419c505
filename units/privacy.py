"""What units holds of a person, for an erasure and for the retention purge
(accounts.erasure): the texts of their memberships, the address they were invited
at, and, for a purge, what was written in the unit's sessions."""

from accounts.erasure import register_personal_data, replace_text

from .models import AgendaItem, Invitation, Membership, Session

MEMBERSHIP_TEXT = ("motivation", "expectations")


def erase(user, text: str) -> None:
    replace_text(Membership.objects.filter(user=user), MEMBERSHIP_TEXT, text)
    for invitation in Invitation.objects.filter(email__iexact=user.email):
        Invitation.objects.filter(pk=invitation.pk).update(email=f"erased-{invitation.pk}@invalid")


def purge_unit(unit_id: int, text: str) -> None:
    replace_text(Membership.objects.filter(unit_id=unit_id), MEMBERSHIP_TEXT, text)
    replace_text(Session.objects.filter(unit_id=unit_id), ("notes", "decisions"), text)
    replace_text(AgendaItem.objects.filter(session__unit_id=unit_id), ("description",), text)
    for pk in Invitation.objects.filter(unit_id=unit_id).values_list("pk", flat=True):
        Invitation.objects.filter(pk=pk).update(email=f"erased-{pk}@invalid")


def register() -> None:
    register_personal_data(key="units", erase=erase, purge_unit=purge_unit)
