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


def test_the_email_and_the_bell_list_the_items_in_each_readers_own_language(client_for):
    from datetime import timedelta

    from django.core import mail
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.html import escape

    from notifications.services import notification_email_send
    from tests.factories import MembershipFactory

    unit, leaving = h.member_drops_away()
    dutch = unit.memberships.get(role="facilitator").user
    english = MembershipFactory(unit=unit, role="facilitator").user
    dutch.language, english.language = "nl", "en"
    dutch.save(update_fields=["language"])
    english.save(update_fields=["language"])
    name = leaving.user.get_full_name()

    monitor_notify_weekly()
    next_week = timezone.now() + timedelta(days=8)
    for person in (dutch, english):
        notification_email_send(user_id=person.pk, now=next_week)

    by_reader = {message.to[0]: message.body for message in mail.outbox}
    assert (
        f"* {name} was bij minder dan 2 van de laatste 3 bijeenkomsten." in by_reader[dutch.email]
    )
    assert (
        f"* {name} was present at fewer than 2 of the last 3 sessions." in by_reader[english.email]
    )
    assert "present at fewer" not in by_reader[dutch.email]
    bell = client_for(english).get(reverse("notifications:list")).content.decode()
    assert f"<li>{escape(name)} was present at fewer than 2 of the last 3 sessions.</li>" in bell
