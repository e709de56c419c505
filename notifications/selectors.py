"""Reads of the notifications app."""

from django.db import connection

from .models import Notification


def notifications_for(user):
    """A person's notifications, newest first, with what the list shows joined in."""
    return Notification.objects.for_user(user).select_related("unit", "actor")


def unread_count(request) -> int:
    """The bell's number: one query, once per request however often a page asks.

    Written in SQL: every signed-in page asks, and building and compiling the ORM's
    COUNT cost several times what running it does (the ``notification_unread`` index
    answers it). What it counts is ``Notification.objects.for_user(user).unread()``.
    """
    if not hasattr(request, "_notifications_unread"):
        request._notifications_unread = _unread_count(request.user.pk)
    return request._notifications_unread


def _unread_count(user_id: int) -> int:
    meta = Notification._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model
            f"WHERE {quote(meta.get_field('recipient').column)} = %s "
            f"AND {quote(meta.get_field('read_at').column)} IS NULL",
            [user_id],
        )
        return cursor.fetchone()[0]
