"""notifications' part of the dashboard's "My work": responses I have not read yet."""

from units.registry import WorkItem

from .models import Kind, Notification
from .texts import describe

SHOWN = 5


def new_responses(user, units) -> list[WorkItem]:
    """One query: my unread notifications of responses, newest first (of any unit: a
    response to what I wrote in a unit I have left is still mine to read)."""
    unread = (
        Notification.objects.for_user(user)
        .unread()
        .filter(kind=Kind.RESPONSE)
        .select_related("unit", "actor")
        # What describe() reads of a response: the two wide related rows cost more
        # to compile in full than the dashboard's other sources together.
        .only("event", "data", "url", "unit__name", "actor__full_name", "actor__email")[:SHOWN]
    )
    return [
        WorkItem(text=describe(n), url=n.url, unit=n.unit.name if n.unit else "") for n in unread
    ]
