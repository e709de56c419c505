"""Sessions: series and single sessions, their agenda, notes and attendance."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import registry
from ..access import Accessed
from ..models import (
    AccessAction,
    AgendaItem,
    Attendance,
    Membership,
    Rsvp,
    Session,
    Unit,
)
from ._common import _lock

# A series longer than this is almost certainly a typo (every week for years).
SERIES_MAX_SESSIONS = 120


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
    actor=None,
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
    if created:
        registry.emit("session.planned", sessions=created, actor=actor)
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
    actor=None,
) -> Session:
    """One extra session; it records the phase the unit is in now."""
    _check_in_period(unit, day)
    starts_at = local_datetime(day, at)
    _lock(unit)  # two sends of the form at once: the second finds the first's session
    if unit.sessions.filter(status=Session.Status.PLANNED, starts_at=starts_at).exists():
        raise ValidationError(
            {"at": _("The unit already has a session at that time; it is in the list.")}
        )
    session = Session.objects.create(
        unit=unit,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        online_url=online_url,
        phase=unit.phase,
    )
    registry.emit("session.planned", sessions=[session], actor=actor)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    day: date,
    at: time,
    duration_minutes: int,
    location: str,
    online_url: str,
    actor=None,
) -> Session:
    """Move a session or change where it is. A moved session is reminded of again."""
    _check_in_period(session.unit, day)
    starts_at = local_datetime(day, at)
    fields = ["starts_at", "duration_minutes", "location", "online_url"]
    if starts_at != session.starts_at and starts_at > timezone.now():
        session.reminder_sent_at = None
        fields.append("reminder_sent_at")
    moved = (starts_at, duration_minutes, location, online_url) != (
        session.starts_at,
        session.duration_minutes,
        session.location,
        session.online_url,
    )
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.location = location
    session.online_url = online_url
    session.save(update_fields=fields)
    if moved and session.status == Session.Status.PLANNED:
        registry.emit("session.moved", sessions=[session], actor=actor)
    return session


@transaction.atomic
def session_cancel(*, session: Session, actor=None) -> Session:
    was_planned = session.status == Session.Status.PLANNED
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status"])
    if was_planned:
        registry.emit("session.cancelled", sessions=[session], actor=actor)
    return session


@transaction.atomic
def session_reinstate(*, session: Session, actor=None) -> Session:
    was_cancelled = session.status == Session.Status.CANCELLED
    session.status = Session.Status.PLANNED
    session.save(update_fields=["status"])
    if was_cancelled:
        registry.emit("session.planned", sessions=[session], actor=actor)
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
def attendance_record(
    *, session: Session, statuses: dict[int, str]
) -> dict[AccessAction, list[Accessed]]:
    """Record who was present, excused or absent: {user id: status}. Blank removes.

    Returns whose attendance was created, changed and deleted (for the access log),
    as ``{action: [Accessed, ...]}``; unchanged statuses are not in it.
    """
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
                to_delete.append(record)
        elif record is None:
            to_create.append(Attendance(session=session, user_id=user_id, status=status))
        elif record.status != status:
            record.status = status
            to_update.append(record)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["status"])
    Attendance.objects.filter(pk__in=[a.pk for a in to_delete]).delete()
    return {
        action: [Accessed(person_id=a.user_id, object_id=a.pk) for a in records]
        for action, records in (
            (AccessAction.CREATED, to_create),
            (AccessAction.CHANGED, to_update),
            (AccessAction.DELETED, to_delete),
        )
        if records
    }


@transaction.atomic
def rsvp_set(*, session: Session, user, answer: str) -> Rsvp:
    """A member says whether they come to a session; a new answer replaces the old one."""
    if answer not in Rsvp.Answer.values:
        raise ValidationError(_("Choose coming, maybe or not coming."))
    if session.status != Session.Status.PLANNED:
        raise ValidationError(_("This session has been cancelled."))
    if session.ends_at <= timezone.now():
        raise ValidationError(_("This session is over."))
    if not Membership.objects.current().filter(unit_id=session.unit_id, user=user).exists():
        raise ValidationError(_("Only members of the unit can answer."))
    rsvp, _created = Rsvp.objects.update_or_create(
        session=session, user=user, defaults={"answer": answer}
    )
    return rsvp
