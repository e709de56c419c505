"""Memberships and invitations: who is in a unit, in which role, and how they join."""

from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bpu.celery import enqueue

from .. import registry
from ..invitation_lists import InvitationList, plan_invitations, read_list
from ..models import (
    Invitation,
    Membership,
    Role,
    Unit,
    _invitation_expiry,
)
from ._common import _lock, _site_url

# --- Memberships ---------------------------------------------------------------------


def _would_leave_without_facilitator(membership: Membership) -> bool:
    if membership.role != Role.FACILITATOR:
        return False
    others = (
        Membership.objects.current()
        .filter(unit_id=membership.unit_id, role=Role.FACILITATOR)
        .exclude(pk=membership.pk)
    )
    return not others.exists()


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if not membership.is_current:
        raise ValidationError(_("This membership has ended; its role can no longer change."))
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles in the list.")})
    if role != Role.FACILITATOR and _would_leave_without_facilitator(membership):
        raise ValidationError(
            {"role": _("The unit needs a facilitator. Make someone else facilitator first.")}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, left_on: date | None = None) -> Membership:
    """End a membership. It is kept, with its dates, as part of the unit's history."""
    if not membership.is_current:
        raise ValidationError(_("This membership has already ended."))
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("A membership cannot end before the person joined.")})
    if _would_leave_without_facilitator(membership):
        raise ValidationError(
            _("The unit needs a facilitator. Make someone else facilitator first.")
        )
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


@transaction.atomic
def membership_update_own(
    *, membership: Membership, motivation: str, expectations: str
) -> Membership:
    """A member writes down why they joined and what they expect."""
    membership.motivation = motivation
    membership.expectations = expectations
    membership.save(update_fields=["motivation", "expectations"])
    return membership


# --- Invitations --------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, unit: Unit, email: str, role: str, invited_by, full_name: str = ""
) -> Invitation:
    """Invite someone by e-mail; the e-mail goes out once the invitation is saved."""
    from ..tasks import send_invitation_email

    email = get_user_model().objects.normalize_email(email).strip().lower()
    _lock(unit)  # two sends of the form at once: the second sees the first's invitation
    if Membership.objects.current().filter(unit=unit, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this unit.") % {"email": email}}
        )
    open_invitation = (
        Invitation.objects.filter(
            unit=unit,
            email__iexact=email,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )
    if open_invitation:
        raise ValidationError(
            {
                "email": _(
                    "%(email)s has already been invited; that invitation is valid until %(date)s."
                )
                % {"email": email, "date": timezone.localtime(open_invitation.expires_at).date()}
            }
        )
    invitation = Invitation.objects.create(
        unit=unit, email=email, role=role, invited_by=invited_by, full_name=full_name.strip()
    )
    transaction.on_commit(partial(enqueue, send_invitation_email, invitation.pk))
    return invitation


@transaction.atomic
def invitations_create_bulk(
    *, unit: Unit, text: str, default_role: str, invited_by
) -> tuple[list[Invitation], InvitationList]:
    """Invite everyone on a list (pasted, or a CSV file's text) at once, or nobody.

    The list is read again here, under the unit's lock, so that what was previewed is
    checked against the unit as it is now: an address that became a member or was
    invited in the meantime is skipped (and reported), never invited twice. A list with
    any problem invites nobody. Each e-mail goes out by the one invitation path, once
    the invitations are saved.
    """
    from ..tasks import send_invitation_email

    if default_role not in Role.values:
        raise ValidationError({"default_role": _("Choose one of the roles in the list.")})
    _lock(unit)
    checked = plan_invitations(unit, read_list(text, default_role=default_role))
    problems = checked.problems + [p for row in checked.with_problems for p in row.problems]
    if problems:
        raise ValidationError(problems)
    if not checked.to_invite:
        raise ValidationError(_("Nobody on the list can be invited: everyone is already in."))
    invitations = Invitation.objects.bulk_create(
        Invitation(
            unit=unit, email=row.email, full_name=row.name, role=row.role, invited_by=invited_by
        )
        for row in checked.to_invite
    )
    for invitation in invitations:
        transaction.on_commit(partial(enqueue, send_invitation_email, invitation.pk))
    return invitations, checked


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send an invitation that was not accepted again, valid for two weeks from now
    (also one that expired or was withdrawn). The link stays the same."""
    from ..tasks import send_invitation_email

    _lock(invitation.unit)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has been accepted; there is nothing to resend."))
    if (
        Membership.objects.current()
        .filter(unit_id=invitation.unit_id, user__email__iexact=invitation.email)
        .exists()
    ):
        raise ValidationError(
            _("%(email)s is already a member of this unit.") % {"email": invitation.email}
        )
    other_open = (
        Invitation.objects.filter(
            unit_id=invitation.unit_id,
            email__iexact=invitation.email,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(pk=invitation.pk)
        .exists()
    )
    if other_open:
        raise ValidationError(
            _("%(email)s has a newer invitation that is still open; resend that one.")
            % {"email": invitation.email}
        )
    invitation.expires_at = _invitation_expiry()
    invitation.email_sent_at = None
    invitation.email_attempts = 0
    invitation.save(update_fields=["expires_at", "email_sent_at", "email_attempts"])
    transaction.on_commit(partial(enqueue, send_invitation_email, invitation.pk))
    return invitation


# An invitation whose e-mail could not be sent this often is left for the
# facilitator to see (and withdraw or send anew) instead of being tried forever.
INVITATION_EMAIL_MAX_ATTEMPTS = 5
# Waiting e-mails are sent again once they are this old (the broker was down).
INVITATION_EMAIL_RESEND_AFTER = timedelta(minutes=2)


def invitation_send_email(*, invitation_id: int) -> bool:
    """Send the invitation e-mail once: True if it went out now.

    The attempt is counted (and committed) first; the row is then locked while
    the e-mail goes out, so that a second delivery of the task waits and then
    finds it sent.
    """
    Invitation.objects.filter(pk=invitation_id, email_sent_at__isnull=True).update(
        email_attempts=F("email_attempts") + 1
    )
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("unit", "invited_by")
            .filter(pk=invitation_id, email_sent_at__isnull=True)
            .first()
        )
        if invitation is None or not invitation.is_usable:
            return False
        _send_invitation_email(invitation)
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
    return True


def invitations_send_waiting(*, now: datetime | None = None) -> list[int]:
    """Send again the invitation e-mails the broker did not take (run by beat)."""
    from ..tasks import send_invitation_email

    now = now or timezone.now()
    waiting = list(
        Invitation.objects.filter(
            email_sent_at__isnull=True,
            accepted_at__isnull=True,
            expires_at__gt=now,
            created_at__lt=now - INVITATION_EMAIL_RESEND_AFTER,
            email_attempts__lt=INVITATION_EMAIL_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        enqueue(send_invitation_email, pk)
    return waiting


def _send_invitation_email(invitation: Invitation) -> None:
    """The invitation e-mail, in the language of the invitee if we know them."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = existing.language if existing else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            # The name the facilitator gave, or the account's, if we have either.
            "name": invitation.full_name or (existing.full_name if existing else ""),
            "unit": invitation.unit,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by,
            "url": _site_url(reverse("units:invitation_accept", args=[invitation.token])),
            "expires": timezone.localtime(invitation.expires_at),
            "has_account": existing is not None,
        }
        subject = _("Invitation to join %(unit)s") % {"unit": invitation.unit.name}
        body = render_to_string("units/email/invitation.txt", context)
    EmailMessage(subject, body, to=[invitation.email]).send()


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None:
        invitation.expires_at = timezone.now()
        invitation.save(update_fields=["expires_at"])


class InvitationUnusable(Exception):
    """The link was used already or has expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "used" or "expired"


def _claim_invitation(invitation: Invitation) -> Invitation:
    # Lock the row: two clicks at once must not both succeed.
    invitation = Invitation.objects.select_for_update().select_related("unit").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable("expired")
    return invitation


def _join(invitation: Invitation, user) -> Membership:
    membership = Membership.objects.current().filter(unit=invitation.unit, user=user).first()
    if membership is None:
        membership = Membership.objects.create(
            unit=invitation.unit, user=user, role=invitation.role, joined_on=timezone.localdate()
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    registry.emit("invitation.accepted", invitation=invitation, membership=membership)
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """A logged-in person with the invited address joins the unit."""
    invitation = _claim_invitation(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s, not to the account you are logged in with.")
            % {"email": invitation.email}
        )
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, full_name: str, password: str, language: str
) -> Membership:
    """Someone without an account creates one from the invitation and joins the unit."""
    invitation = _claim_invitation(invitation)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this e-mail address exists already. Log in to accept.")
        )
    user = User.objects.create_user(
        email=invitation.email, password=password, full_name=full_name, language=language
    )
    return _join(invitation, user)
