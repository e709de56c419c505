from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def bell(request):
    """``notifications_unread`` for the navbar's bell; counted only if a page shows it."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(request))}
