"""Reminders through the broker and a real worker process (CI's services stage)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from units.models import Role
from units.tasks import send_session_reminders

from ..factories import MembershipFactory, SessionFactory, UnitFactory

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("transactional_db")]


def test_beat_firing_three_times_sends_each_reminder_once(celery_worker_process):
    unit = UnitFactory()
    MembershipFactory(unit=unit, role=Role.FACILITATOR)
    MembershipFactory(unit=unit)
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=1))

    results = [send_session_reminders.delay() for _ in range(3)]

    assert sorted(r.get(timeout=60) for r in results) == [0, 0, 2]
    session.refresh_from_db()
    assert session.reminder_sent_at is not None
