"""Sessions planned in a series, cancelled sessions, finished reports: who hears what."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.texts import describe
from tests.factories import SessionFactory
from units import registry
from units import services as units

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=3)


def test_a_series_is_one_notification_per_member(unit, facilitator, member, service_user):
    first = timezone.localdate() + timedelta(days=7)
    result = units.session_series_create(
        unit=unit, first=first, at=time(14, 0), every_weeks=4,
        until=first + timedelta(weeks=12), actor=facilitator,
    )  # fmt: skip
    assert len(result.created) == 4
    told = Notification.objects.order_by("recipient_id")
    assert [n.recipient_id for n in told] == sorted([member.pk, service_user.pk])
    assert "4 sessions are planned, the first on" in describe(told[0])


def test_a_cancelled_session_is_told_with_a_cancelled_calendar_entry(unit, facilitator, member):
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=5))
    units.session_cancel(session=session, actor=facilitator)
    units.session_cancel(session=session, actor=facilitator)  # already cancelled: no news
    [told] = Notification.objects.all()
    assert told.recipient == member and "is cancelled" in describe(told)
    services.notifications_send_due(now=timezone.now() + LATER)
    [(_name, ics, _kind)] = mail.outbox[0].attachments
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "STATUS:CANCELLED" in ics


def test_a_finished_unit_report_is_told_to_whoever_asked(unit, researcher, member):
    from reports.models import Report

    report = Report.objects.create(
        unit=unit, kind="baseline", language="en", version=1, status="done",
        requested_by=researcher,
    )  # fmt: skip
    registry.emit("report.finished", report=report)
    registry.emit("report.finished", report=report)  # a second delivery: told once
    [told] = Notification.objects.all()
    assert told.recipient == researcher
    assert describe(told) == "The report you asked for is ready: Baseline report v1."


def test_a_past_session_written_down_afterwards_is_no_news(unit, facilitator, member):
    day = timezone.localdate() - timedelta(days=3)
    units.session_create(unit=unit, day=day, at=time(10, 0), actor=facilitator)
    assert not Notification.objects.exists()
