"""Calendar feeds: a person's secret address for their sessions."""

from django.db import transaction

from ..models import CalendarFeed, _invitation_token


@transaction.atomic
def calendar_feed_for(*, user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = _invitation_token()
        feed.save(update_fields=["token"])
    return feed
