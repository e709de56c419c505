"""Reminder e-mails: due ones go once, to current members, with the agenda."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from units import services
from units.models import Membership, Session, Unit
from units.services import reminders
from units.tasks import send_session_reminders

from ..factories import AgendaItemFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_session(unit):
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=1, hours=3))
    AgendaItemFactory(session=session, title="Terugblik op de experimenten", order=1)
    AgendaItemFactory(session=session, title="Plan van aanpak bijstellen", order=2)
    return session


def test_each_current_member_gets_one_reminder_with_the_agenda(
    unit, facilitator, member, due_session
):
    assert send_session_reminders.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([facilitator.email, member.email])
    body = mail.outbox[0].body
    assert "1. Terugblik op de experimenten" in body
    assert "2. Plan van aanpak bijstellen" in body
    assert due_session.get_absolute_url() in body
    due_session.refresh_from_db()
    assert due_session.reminder_sent_at is not None


def test_running_twice_sends_once(unit, member, due_session):
    send_session_reminders.delay()
    send_session_reminders.delay()
    services.reminders_send_due()
    assert len(mail.outbox) == 1


def test_a_second_run_that_read_the_session_before_the_first_claimed_it_sends_nothing(
    unit, member, due_session
):
    # Both runs see the session as due; only the one that claims the row sends.
    now = timezone.now()
    seen_by_both = reminders._due_for_reminder(now)
    assert reminders._claim_reminder(seen_by_both[0], now) is True
    assert reminders._claim_reminder(seen_by_both[0], now) is False


def test_no_reminder_for_cancelled_sessions_or_those_not_yet_due(unit, member):
    SessionFactory(
        unit=unit, starts_at=timezone.now() + timedelta(days=1), status=Session.Status.CANCELLED
    )
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=3))
    SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(hours=1))
    assert services.reminders_send_due() == 0
    assert mail.outbox == []


def test_reminder_days_are_set_per_unit(unit, member):
    unit.reminder_days_before = 5
    unit.save()
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=4))
    assert services.reminders_send_due() == 1
    unit.reminder_days_before = 0  # no reminders at all
    unit.save()
    SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(hours=4))
    assert services.reminders_send_due() == 0


def test_ended_members_get_no_reminder(unit, facilitator, member, due_session):
    Membership.objects.filter(user=member).update(left_on=timezone.localdate())
    services.reminders_send_due()
    assert [m.to for m in mail.outbox] == [[facilitator.email]]


def test_the_reminder_speaks_the_members_language(unit, member, due_session):
    member.language = "nl"
    member.save()
    services.reminders_send_due()
    assert mail.outbox[0].subject.startswith("Herinnering")


def test_beat_runs_the_reminder_task():
    entry = settings.CELERY_BEAT_SCHEDULE["units-session-reminders"]
    assert entry["task"] == send_session_reminders.name


def test_one_session_that_cannot_be_sent_does_not_hold_up_the_others(unit, member, due_session):
    # A unit whose name slipped in with a line break before names were checked:
    # its e-mail header is refused. The other unit's reminder still goes out.
    broken = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    MembershipFactory(unit=broken.unit)
    Unit.objects.filter(pk=broken.unit_id).update(name="Line one\nBcc: someone@example.org")

    assert services.reminders_send_due() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    broken.refresh_from_db()
    due_session.refresh_from_db()
    # The failed one is handed back, to be tried again on the next run.
    assert broken.reminder_sent_at is None
    assert due_session.reminder_sent_at is not None
