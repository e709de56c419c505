"""The retention warning reaches the bell too: the unit's facilitators, once, in the
weekly e-mail by default (they get an e-mail of its own at once from units)."""

from datetime import date

import pytest

from notifications.models import Frequency, Kind, Notification
from notifications.services import email_due
from notifications.texts import describe
from units.models import Role
from units.services import retention_apply

from ..factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_facilitators_hear_of_the_retention_in_the_bell_once(settings):
    settings.PRIVACY_RETENTION_WARNING_WEEKS = 6
    unit = UnitFactory(
        planned_start=date(2020, 1, 1), planned_end=date(2021, 3, 1), retention_years=2
    )
    facilitator = MembershipFactory(unit=unit, role=Role.FACILITATOR).user
    MembershipFactory(unit=unit, role=Role.FAMILY_CARER)
    MembershipFactory(unit=unit, role=Role.RESEARCHER)
    former = MembershipFactory(unit=unit, role=Role.FACILITATOR, left_on=date(2021, 3, 1))

    retention_apply(today=date(2023, 1, 18))
    retention_apply(today=date(2023, 1, 25))

    told = Notification.objects.get()
    assert (told.recipient_id, told.kind, told.unit_id, told.url) == (
        facilitator.pk,
        Kind.RETENTION,
        unit.pk,
        unit.get_absolute_url(),
    )
    assert told.recipient_id != former.user_id
    assert describe(told) == (
        f"The personal data of {unit.name} will be removed on 1 Mar 2023, at the end of "
        "its retention period. Ask an administrator before then if it must be kept longer."
    )
    # In the weekly e-mail, not a second e-mail at once.
    assert told.email_due_at == email_due(Frequency.WEEKLY, told.created_at)
