"""The learning monitor's weekly word to facilitators, through the notification settings."""

import pytest

from notifications.models import Frequency, Kind, Notification
from notifications.monitor import monitor_notify_weekly
from notifications.preferences import preference_set
from notifications.texts import describe

from ..phases import monitor_histories as h

pytestmark = pytest.mark.django_db


def test_the_facilitators_of_a_stalling_unit_are_told_once_a_week_in_their_weekly_digest():
    stalling = h.stalling()
    h.healthy()  # nothing to act on: nobody is told
    facilitator = stalling.memberships.get(role="facilitator").user

    assert monitor_notify_weekly() == 1
    assert monitor_notify_weekly() == 0  # the same week: told already

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (facilitator, Kind.MONITOR)
    assert notification.url == f"/units/{stalling.slug}/phases/monitor/"
    # Weekly by default: due at the Monday digest, not now.
    assert notification.email_due_at.weekday() == 0
    assert describe(notification) == (
        f"The learning monitor of {stalling.name} has 10 things that need attention "
        "(6 to act on now)."
    )


def test_a_facilitator_who_chose_no_email_still_sees_it_in_the_bell_but_gets_no_mail():
    stalling = h.stalling()
    facilitator = stalling.memberships.get(role="facilitator").user
    preference_set(user=facilitator, kind=Kind.MONITOR, frequency=Frequency.NEVER)
    monitor_notify_weekly()
    assert Notification.objects.get().email_due_at is None
