"""The e-mail that tells a person what happened: one message for everything due."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.calendar import calendar_for
from units.models import Session, Unit

from .models import Kind, Notification
from .preferences import link_token
from .texts import describe, details


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _still_visible(user, notifications: list[Notification]) -> list[Notification]:
    """Leave out what the person may no longer see (they left the unit meanwhile)."""
    unit_ids = {n.unit_id for n in notifications if n.unit_id}
    visible = set(
        Unit.objects.visible_to(user).filter(pk__in=unit_ids).values_list("pk", flat=True)
    )
    return [n for n in notifications if n.unit_id is None or n.unit_id in visible]


def _sessions(notifications: list[Notification]) -> list[Session]:
    ids = {pk for n in notifications if n.kind == Kind.SESSION for pk in n.data.get("sessions", [])}
    if not ids:
        return []
    return list(
        Session.objects.filter(pk__in=ids)
        .select_related("unit")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


def send_digest(*, user_id: int, claim: str) -> int:
    user = get_user_model().objects.get(pk=user_id)
    notifications = list(
        Notification.objects.filter(email_claim=claim)
        .select_related("unit", "actor")
        .order_by("created_at", "pk")
    )
    notifications = _still_visible(user, notifications)
    if not notifications or not user.is_active:
        return 0
    with translation.override(user.language or settings.LANGUAGE_CODE):
        kinds = sorted({n.kind for n in notifications}, key=Kind.values.index)
        items = [
            {"text": describe(n), "details": details(n), "unit": n.unit, "url": _absolute(n.url)}
            for n in notifications
        ]
        links = [
            {
                "label": Kind(kind).label,
                "url": _absolute(
                    reverse("notifications:link", args=[link_token(user=user, kind=kind)])
                ),
            }
            for kind in kinds
        ]
        if len(items) == 1:
            subject = items[0]["text"]
        else:
            subject = ngettext(
                "%(count)d new thing in your Best Practice Units",
                "%(count)d new things in your Best Practice Units",
                len(items),
            ) % {"count": len(items)}
        context = {
            "user": user,
            "items": items,
            "links": links,
            "settings_url": _absolute(reverse("notifications:preferences")),
            "list_url": _absolute(reverse("notifications:list")),
        }
        body = render_to_string("notifications/email/digest.txt", context)
        message = EmailMultiAlternatives(subject[:200], body, to=[user.email])
        if len(links) == 1:
            # Mail programs offer their own "unsubscribe" button (RFC 2369, RFC 8058).
            message.extra_headers["List-Unsubscribe"] = f"<{links[0]['url']}>"
            message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        sessions = _sessions(notifications)
        if sessions:
            ics = calendar_for(sessions, name=_("Sessions"), language=translation.get_language())
            message.attach("sessions.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()
    return len(notifications)
