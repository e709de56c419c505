"""What a notification says, in the language active when it is shown or e-mailed."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import Kind as ReportKind
from units.choices import Phase
from units.models import Role

from .models import Notification


def _when(value: str) -> str:
    # In the reader's language and its own format, like every date on the pages.
    return date_format(timezone.localtime(datetime.fromisoformat(value)), "SHORT_DATETIME_FORMAT")


def _day(value: str) -> str:
    return date_format(datetime.fromisoformat(value), "SHORT_DATE_FORMAT")


def _actor(n: Notification) -> str:
    return str(n.actor) if n.actor_id else _("Someone")


def _report(d: dict) -> str:
    title = f"{ReportKind(d['report_kind']).label} v{d['version']}"
    return f"{d['programme']}: {title}" if d.get("programme") else title


def describe(n: Notification) -> str:
    d = n.data
    match n.event:
        case "experiment.commented" if d.get("own"):
            return _("%(person)s responded to your experiment “%(title)s”.") % {
                "person": _actor(n),
                "title": d["title"],
            }
        case "experiment.commented":
            return _("%(person)s also responded to the experiment “%(title)s”.") % {
                "person": _actor(n),
                "title": d["title"],
            }
        case "action_step.assigned":
            return _("You have a new action step: %(what)s") % {"what": d["what"]}
        case "action_step.due_soon":
            return _("Your action step is due on %(day)s: %(what)s") % {
                "day": _day(d["due"]),
                "what": d["what"],
            }
        case "action_step.overdue":
            return _("Your action step was due on %(day)s: %(what)s") % {
                "day": _day(d["due"]),
                "what": d["what"],
            }
        case "session.planned":
            count = d.get("count", 1)
            return ngettext(
                "A session is planned on %(when)s.",
                "%(count)d sessions are planned, the first on %(when)s.",
                count,
            ) % {"count": count, "when": _when(d["starts"])}
        case "session.moved":
            return _("A session has changed. It is now on %(when)s.") % {"when": _when(d["starts"])}
        case "session.cancelled":
            return _("The session on %(when)s is cancelled.") % {"when": _when(d["starts"])}
        case "report.done":
            return _("The report you asked for is ready: %(report)s.") % {"report": _report(d)}
        case "report.failed":
            return _("The report you asked for could not be made: %(report)s.") % {
                "report": _report(d)
            }
        case "invitation.accepted":
            return _("%(person)s accepted your invitation and joined as %(role)s.") % {
                "person": _actor(n),
                "role": Role(d["role"]).label,
            }
        case "phase.changed":
            return _("The unit is now in phase %(number)d: %(phase)s.") % {
                "number": d["phase"],
                "phase": Phase(d["phase"]).label,
            }
        case "monitor.attention":
            return ngettext(
                "The learning monitor of %(unit)s has %(count)d thing that needs attention "
                "(%(now)d to act on now).",
                "The learning monitor of %(unit)s has %(count)d things that need attention "
                "(%(now)d to act on now).",
                d["count"],
            ) % {"unit": n.unit or "BPU", "count": d["count"], "now": d["now"]}
        case "unit.retention_due":
            return _(
                "The personal data of %(unit)s will be removed on %(day)s, at the end of its "
                "retention period. Ask an administrator before then if it must be kept longer."
            ) % {"unit": n.unit or "BPU", "day": _day(d["ends_on"])}
    return _("Something happened in %(unit)s.") % {"unit": n.unit or "BPU"}


def details(n: Notification) -> list[str]:
    """The lines under a notification's sentence, in the active language: the learning
    monitor's most urgent items (stored worded in every language; none in older ones)."""
    by_language = n.data.get("items") or {}
    language = translation.get_language() or settings.LANGUAGE_CODE
    return by_language.get(language) or by_language.get(settings.LANGUAGE_CODE) or []
