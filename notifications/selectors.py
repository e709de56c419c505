"""Reads of the notifications app."""

from .models import Notification


def notifications_for(user):
    """A person's notifications, newest first, with what the list shows joined in."""
    return Notification.objects.for_user(user).select_related("unit", "actor")


def unread_count(request) -> int:
    """The bell's number: one query, once per request however often a page asks."""
    if not hasattr(request, "_notifications_unread"):
        request._notifications_unread = Notification.objects.for_user(request.user).unread().count()
    return request._notifications_unread
