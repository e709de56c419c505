"""The demo: the people one logs in as first have a bell with something in it."""

import pytest
from django.core import mail

from notifications import demo as notifications_demo
from notifications.models import Notification
from notifications.services import notifications_send_due
from phases import demo as phases_demo
from units import demo as units_demo

pytestmark = pytest.mark.django_db


def _seed():
    demo = units_demo.Demo()
    units_demo.seed(demo)
    phases_demo.seed(demo)
    notifications_demo.seed(demo)
    return demo


def test_demo_people_have_read_and_unread_notifications_and_nothing_is_mailed_twice():
    demo = _seed()
    professional = demo.people["professional@example.org"]
    mine = Notification.objects.filter(recipient=professional)
    assert mine.unread().exists() and mine.filter(read_at__isnull=False).exists()
    assert Notification.objects.filter(event="session.moved").exists()
    count = Notification.objects.count()
    _seed()
    assert Notification.objects.count() == count
    # The demo's notifications are its history: none is e-mailed.
    from datetime import timedelta

    from django.utils import timezone

    notifications_send_due(now=timezone.now() + timedelta(days=8))
    assert mail.outbox == []
