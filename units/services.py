"""Every change to units, memberships, invitations and sessions goes through here.

Forms check the shape of the input; these functions check the rules and write
atomically. E-mails are sent by Celery tasks enqueued once the transaction
commits, so that a rolled-back change never sends mail.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bpu.celery import enqueue

from .models import (
    GROUP_SIZE_MAX,
    GROUP_SIZE_MIN,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Invitation,
    Membership,
    Organisation,
    Programme,
    Role,
    Session,
    Unit,
)
from .validators import single_line

logger = logging.getLogger(__name__)

# What the method calls normal; outside it the app warns but does not refuse.
DURATION_DAYS_MIN = 365
DURATION_DAYS_MAX = 2 * 366
CADENCE_WEEKS_MIN = 3
CADENCE_WEEKS_MAX = 6
# A series longer than this is almost certainly a typo (every week for years).
SERIES_MAX_SESSIONS = 120


# --- Units and programmes -----------------------------------------------------------


def unit_warnings(*, planned_start: date, planned_end: date, cadence_weeks: int) -> list[str]:
    """What is unusual about a unit's plan: allowed, but worth a second look."""
    warnings = []
    days = (planned_end - planned_start).days
    if days < DURATION_DAYS_MIN or days > DURATION_DAYS_MAX:
        warnings.append(
            _(
                "The unit runs for %(months)d months; one to two years is usual, so that "
                "there is time for every phase."
            )
            % {"months": round(days / 30.4)}
        )
    if cadence_weeks < CADENCE_WEEKS_MIN or cadence_weeks > CADENCE_WEEKS_MAX:
        warnings.append(
            _(
                "The group meets every %(weeks)d weeks; every three to six weeks is usual "
                "for a learning community."
            )
            % {"weeks": cadence_weeks}
        )
    return warnings


def group_warnings(*, size: int, roles: set[str]) -> list[str]:
    """What the method expects of a group: 7-12 members, a facilitator and a researcher."""
    warnings = []
    if size < GROUP_SIZE_MIN or size > GROUP_SIZE_MAX:
        warnings.append(
            _("The group has %(size)d members; %(min)d to %(max)d is usual.")
            % {"size": size, "min": GROUP_SIZE_MIN, "max": GROUP_SIZE_MAX}
        )
    if Role.FACILITATOR not in roles:
        warnings.append(_("The unit has no facilitator."))
    if Role.RESEARCHER not in roles:
        warnings.append(_("The unit has no researcher."))
    return warnings


# Slugs that would collide with fixed addresses such as /units/new/.
RESERVED_SLUGS = {"new"}


def _unique_slug(model, name: str, *, exclude_pk=None) -> str:
    base = slugify(name)[:70].strip("-") or "unit"
    slug, n = base, 1
    if slug in RESERVED_SLUGS:
        slug, n = f"{base}-2", 2
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _lock(unit: Unit) -> None:
    """Hold the unit's row until the transaction ends: writes that check what exists
    before they add to it (a double-sent form) then run one after the other."""
    Unit.objects.select_for_update().filter(pk=unit.pk).first()


def _check_name(name: str) -> None:
    try:
        single_line(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error


def _check_period(planned_start: date, planned_end: date) -> None:
    if planned_end <= planned_start:
        raise ValidationError(
            {"planned_end": _("The planned end must be after the planned start.")}
        )


def organisations_from_names(names: list[str]) -> list[Organisation]:
    """The organisations with these names, created when new (names compared case-blind)."""
    result = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        org = Organisation.objects.filter(name__iexact=name).first()
        if org is None:
            org = Organisation.objects.create(name=name[:200])
        result.append(org)
    return result


@transaction.atomic
def unit_create(
    *,
    creator,
    name: str,
    theme: str,
    planned_start: date,
    planned_end: date,
    cadence_weeks: int,
    target_group: str = "",
    programme: Programme | None = None,
    organisations=(),
    reminder_days_before: int = 2,
) -> Unit:
    """A new unit in phase 1; the person who creates it becomes its facilitator."""
    _check_name(name)
    _check_period(planned_start, planned_end)
    unit = Unit.objects.create(
        name=name,
        slug=_unique_slug(Unit, name),
        theme=theme,
        target_group=target_group,
        programme=programme,
        planned_start=planned_start,
        planned_end=planned_end,
        cadence_weeks=cadence_weeks,
        reminder_days_before=reminder_days_before,
        created_by=creator,
    )
    unit.organisations.set(organisations)
    Membership.objects.create(
        unit=unit, user=creator, role=Role.FACILITATOR, joined_on=timezone.localdate()
    )
    return unit


UNIT_EDITABLE = (
    "name",
    "theme",
    "target_group",
    "programme",
    "planned_start",
    "planned_end",
    "cadence_weeks",
    "reminder_days_before",
)


@transaction.atomic
def unit_update(*, unit: Unit, organisations=None, **fields) -> Unit:
    """Change a unit's details (never its phase: that belongs to phases.services).

    The slug stays as it is, so that links people have saved keep working.
    """
    unknown = set(fields) - set(UNIT_EDITABLE)
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(unit, name, value)
    _check_name(unit.name)
    _check_period(unit.planned_start, unit.planned_end)
    unit.save(update_fields=list(fields))
    if organisations is not None:
        unit.organisations.set(organisations)
    return unit


@transaction.atomic
def programme_create(
    *, name: str, field: str = "", description: str = "", creator=None
) -> Programme:
    _check_name(name)
    return Programme.objects.create(
        name=name,
        slug=_unique_slug(Programme, name),
        field=field,
        description=description,
        created_by=creator,
    )


# --- Memberships ----------------------------------------------------------------------


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


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invitation_create(*, unit: Unit, email: str, role: str, invited_by) -> Invitation:
    """Invite someone by e-mail; the e-mail goes out once the invitation is saved."""
    from .tasks import send_invitation_email

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
    invitation = Invitation.objects.create(unit=unit, email=email, role=role, invited_by=invited_by)
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
    from .tasks import send_invitation_email

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


# --- Sessions -----------------------------------------------------------------------


def local_datetime(day: date, at: time) -> datetime:
    """The aware moment of a wall-clock time on a day in our time zone.

    Built per day (not by adding weeks to a moment), so a series keeps its
    local time across daylight saving changes.
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _check_in_period(unit: Unit, day: date, field: str = "day") -> None:
    if day < unit.planned_start or day > unit.planned_end:
        raise ValidationError(
            {
                field: _("Sessions must fall within the unit's period (%(start)s to %(end)s).")
                % {"start": unit.planned_start, "end": unit.planned_end}
            }
        )


def series_dates(*, first: date, every_weeks: int, until: date) -> list[date]:
    if every_weeks < 1:
        raise ValidationError(
            {"every_weeks": _("A series needs at least one week between sessions.")}
        )
    if until < first:
        raise ValidationError({"until": _("The last date must be on or after the first date.")})
    days = []
    day = first
    while day <= until:
        days.append(day)
        day += timedelta(weeks=every_weeks)
    return days


@dataclass
class SeriesResult:
    created: list[Session]
    skipped: list[date]  # days that already had a session


@transaction.atomic
def session_series_create(
    *,
    unit: Unit,
    first: date,
    at: time,
    every_weeks: int,
    until: date | None = None,
    duration_minutes: int = 120,
    location: str = "",
    online_url: str = "",
) -> SeriesResult:
    """Plan a session every ``every_weeks`` weeks from ``first`` until the unit's end.

    Days that already have a (planned) session are skipped, so running it again
    does not double the calendar.
    """
    until = until or unit.planned_end
    _check_in_period(unit, first, "first")
    _lock(unit)  # two sends of the form at once: the second skips the first's days
    if until > unit.planned_end:
        raise ValidationError(
            {
                "until": _("The series cannot run past the unit's planned end (%(end)s).")
                % {"end": unit.planned_end}
            }
        )
    days = series_dates(first=first, every_weeks=every_weeks, until=until)
    if len(days) > SERIES_MAX_SESSIONS:
        raise ValidationError(
            _("That would be %(count)d sessions; plan at most %(max)d at once.")
            % {"count": len(days), "max": SERIES_MAX_SESSIONS}
        )
    taken = {
        timezone.localtime(s).date()
        for s in unit.sessions.filter(status=Session.Status.PLANNED).values_list(
            "starts_at", flat=True
        )
    }
    created, skipped = [], []
    for day in days:
        if day in taken:
            skipped.append(day)
            continue
        created.append(
            Session(
                unit=unit,
                starts_at=local_datetime(day, at),
                duration_minutes=duration_minutes,
                location=location,
                online_url=online_url,
                phase=unit.phase,
            )
        )
    Session.objects.bulk_create(created)
    return SeriesResult(created=created, skipped=skipped)


@transaction.atomic
def session_create(
    *,
    unit: Unit,
    day: date,
    at: time,
    duration_minutes: int = 120,
    location: str = "",
    online_url: str = "",
) -> Session:
    """One extra session; it records the phase the unit is in now."""
    _check_in_period(unit, day)
    starts_at = local_datetime(day, at)
    _lock(unit)  # two sends of the form at once: the second finds the first's session
    if unit.sessions.filter(status=Session.Status.PLANNED, starts_at=starts_at).exists():
        raise ValidationError(
            {"at": _("The unit already has a session at that time; it is in the list.")}
        )
    return Session.objects.create(
        unit=unit,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        online_url=online_url,
        phase=unit.phase,
    )


@transaction.atomic
def session_update(
    *,
    session: Session,
    day: date,
    at: time,
    duration_minutes: int,
    location: str,
    online_url: str,
) -> Session:
    """Move a session or change where it is. A moved session is reminded of again."""
    _check_in_period(session.unit, day)
    starts_at = local_datetime(day, at)
    fields = ["starts_at", "duration_minutes", "location", "online_url"]
    if starts_at != session.starts_at and starts_at > timezone.now():
        session.reminder_sent_at = None
        fields.append("reminder_sent_at")
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.location = location
    session.online_url = online_url
    session.save(update_fields=fields)
    return session


@transaction.atomic
def session_cancel(*, session: Session) -> Session:
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    return session


@transaction.atomic
def session_reinstate(*, session: Session) -> Session:
    session.status = Session.Status.PLANNED
    session.save(update_fields=["status"])
    return session


@transaction.atomic
def session_record_notes(*, session: Session, notes: str, decisions: str) -> Session:
    session.notes = notes
    session.decisions = decisions
    session.save(update_fields=["notes", "decisions"])
    return session


@transaction.atomic
def agenda_item_add(
    *, session: Session, title: str, description: str = "", duration_minutes: int | None = None
) -> AgendaItem:
    last = session.agenda_items.order_by("-order").values_list("order", flat=True).first()
    return AgendaItem.objects.create(
        session=session,
        order=(last or 0) + 1,
        title=title,
        description=description,
        duration_minutes=duration_minutes,
    )


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, title: str, description: str, duration_minutes: int | None
) -> AgendaItem:
    item.title = title
    item.description = description
    item.duration_minutes = duration_minutes
    item.save(update_fields=["title", "description", "duration_minutes"])
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool) -> None:
    """Swap an item with its neighbour; the list is renumbered 1..n on the way."""
    items = list(item.session.agenda_items.select_for_update().order_by("order", "pk"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, it in enumerate(items, start=1):
        it.order = position
    AgendaItem.objects.bulk_update(items, ["order"])


@transaction.atomic
def attendance_record(*, session: Session, statuses: dict[int, str]) -> None:
    """Record who was present, excused or absent: {user id: status}. Blank removes."""
    allowed = set(
        Membership.objects.current()
        .filter(unit_id=session.unit_id)
        .values_list("user_id", flat=True)
    ) | set(session.attendances.values_list("user_id", flat=True))
    for user_id, status in statuses.items():
        if user_id not in allowed:
            raise ValidationError(_("Attendance can only be recorded for members of the unit."))
        if status and status not in Attendance.Status.values:
            raise ValidationError(_("Choose present, excused or absent."))
    existing = {a.user_id: a for a in session.attendances.all()}
    to_create, to_update, to_delete = [], [], []
    for user_id, status in statuses.items():
        record = existing.get(user_id)
        if not status:
            if record:
                to_delete.append(record.pk)
        elif record is None:
            to_create.append(Attendance(session=session, user_id=user_id, status=status))
        elif record.status != status:
            record.status = status
            to_update.append(record)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status"])
    Attendance.objects.filter(pk__in=to_delete).delete()


# --- Calendar feeds ----------------------------------------------------------------


@transaction.atomic
def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    from .models import _invitation_token

    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = _invitation_token()
        feed.save(update_fields=["token"])
    return feed


# --- Reminders ----------------------------------------------------------------------

# Reminders are looked for this far ahead (the largest reminder_days_before allowed).
REMINDER_HORIZON = timedelta(days=15)


def _due_for_reminder(now: datetime):
    candidates = (
        Session.objects.filter(
            status=Session.Status.PLANNED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_HORIZON,
            unit__reminder_days_before__gt=0,
        )
        .select_related("unit")
        .order_by("starts_at")
    )
    return [
        s for s in candidates if s.starts_at <= now + timedelta(days=s.unit.reminder_days_before)
    ]


def _claim_reminder(session: Session, now: datetime) -> bool:
    """Mark the reminder as sent before sending; only one caller can win the row."""
    return bool(
        Session.objects.filter(pk=session.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
    )


def session_send_reminder(*, session: Session) -> int:
    """E-mail each current member the session with its agenda. Returns the number sent."""
    memberships = (
        Membership.objects.current().filter(unit_id=session.unit_id).select_related("user")
    )
    agenda = list(session.agenda_items.all())
    messages = []
    for membership in memberships:
        user = membership.user
        if not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            start = timezone.localtime(session.starts_at)
            context = {
                "user": user,
                "session": session,
                "unit": session.unit,
                "start": start,
                "end": timezone.localtime(session.ends_at),
                "agenda": agenda,
                "url": _site_url(session.get_absolute_url()),
            }
            subject = _("Reminder: %(unit)s meets on %(date)s") % {
                "unit": session.unit.name,
                "date": start.strftime("%d-%m-%Y %H:%M"),
            }
            body = render_to_string("units/email/reminder.txt", context)
        messages.append(EmailMessage(subject, body, to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send the reminders that are due. Safe to run twice at once: each session's
    reminder is claimed in its own committed transaction before any mail goes out."""
    now = now or timezone.now()
    sent = 0
    for session in _due_for_reminder(now):
        with transaction.atomic():
            claimed = _claim_reminder(session, now)
        if not claimed:
            continue
        try:
            sent += session_send_reminder(session=session)
        except Exception:
            # One session that cannot be sent (a mail server error, bad data) must
            # not hold up every other unit's reminders: log it, hand the claim back
            # so the next run tries again, and go on.
            logger.exception("The reminder for session %s could not be sent", session.pk)
            Session.objects.filter(pk=session.pk, reminder_sent_at=now).update(
                reminder_sent_at=None
            )
    return sent
