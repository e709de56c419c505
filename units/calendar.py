"""iCalendar (RFC 5545) for sessions: the private feed per person and single downloads."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Session


def _uid(session: Session) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bpu"
    return f"bpu-session-{session.pk}@{host}"


def _absolute(request, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def _event(session: Session, *, request, stamp) -> Event:
    event = Event()
    event.add("uid", _uid(session))
    event.add("dtstamp", stamp)
    # Local wall-clock times with their zone, so calendars keep the time across DST.
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    cancelled = session.status == Session.Status.CANCELLED
    summary = session.unit.name
    if cancelled:
        summary = _("Cancelled: %(unit)s") % {"unit": summary}
    event.add("summary", summary)
    url = _absolute(request, reverse("units:session_detail", args=[session.unit.slug, session.pk]))
    event.add("url", url)
    location = session.location or session.online_url
    if location:
        event.add("location", location)
    lines = []
    agenda = list(session.agenda_items.all())
    if agenda:
        lines.append(_("Agenda:"))
        lines += [f"- {item.title}" for item in agenda]
    if session.online_url:
        lines.append(_("Online: %(url)s") % {"url": session.online_url})
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_for(sessions, *, request=None, name: str, language: str | None = None) -> bytes:
    with translation.override(language or translation.get_language()):
        cal = Calendar()
        cal.add("prodid", "-//Best Practice Units//bpu//NL")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        stamp = timezone.now()
        for session in sessions:
            cal.add_component(_event(session, request=request, stamp=stamp))
        cal.add_missing_timezones()
        return cal.to_ical()
