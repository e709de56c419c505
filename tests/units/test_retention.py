"""Retention: the facilitators are warned some weeks before a unit's retention ends,
and its members' personal data in the unit is removed once it has (by a beat task)."""

from datetime import date

import pytest
from django.core import mail

from accounts.erasure import REMOVED_BY_RETENTION
from phases.models import Experiment
from research.models import Observation
from tests.research.analysis_data import add_values, make_measure
from units import registry
from units.models import Invitation, Membership, Role, Unit
from units.tasks import apply_retention

from ..factories import ExperimentFactory, MembershipFactory, SessionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_unit(settings):
    settings.PRIVACY_RETENTION_WARNING_WEEKS = 6
    unit = UnitFactory(
        planned_start=date(2020, 1, 1), planned_end=date(2021, 3, 1), retention_years=2
    )
    facilitator = MembershipFactory(unit=unit, role=Role.FACILITATOR)
    carer = MembershipFactory(
        unit=unit, role=Role.FAMILY_CARER, motivation="Voor mijn vader, Henk.", respondent_code="h1"
    )
    ExperimentFactory(unit=unit, author=carer.user, learned="Henk praat graag over vroeger.")
    SessionFactory(unit=unit, notes="Henk was er niet.")
    Invitation.objects.create(unit=unit, email="henk@voorbeeld.nl", role=Role.FAMILY_CARER)
    add_values(unit, make_measure(unit, "wellbeing", minimum=1, maximum=5), "baseline", {"h1": 3})
    return unit, facilitator, carer


def test_a_new_unit_keeps_its_data_the_years_the_settings_say(settings):
    settings.PRIVACY_RETENTION_YEARS = 7
    unit = UnitFactory(planned_start=date(2026, 1, 1), planned_end=date(2027, 6, 30))
    assert (unit.retention_years, unit.retention_ends_on) == (7, date(2034, 6, 30))


def test_the_facilitators_are_warned_once_some_weeks_before(
    ended_unit, django_capture_on_commit_callbacks
):
    unit, facilitator, carer = ended_unit
    heard = []
    registry.register_listener(
        event="unit.retention_due", key="test", listener=lambda **kw: heard.append(kw)
    )
    try:
        from units.services import retention_apply

        assert retention_apply(today=date(2023, 1, 17)).warned == []  # 6 weeks + 1 day before
        with django_capture_on_commit_callbacks(execute=True):
            assert retention_apply(today=date(2023, 1, 18)).warned == [unit.pk]
            assert retention_apply(today=date(2023, 1, 19)).warned == []  # once
    finally:
        registry._LISTENERS["unit.retention_due"].pop("test")
    assert heard == [{"unit": unit, "ends_on": date(2023, 3, 1)}]
    assert [m.to for m in mail.outbox] == [[facilitator.user.email]]
    assert "1 March 2023" in mail.outbox[0].subject
    assert Unit.objects.get(pk=unit.pk).purged_at is None
    assert Experiment.objects.get(author=carer.user).learned == "Henk praat graag over vroeger."


def test_the_beat_task_purges_a_unit_past_its_retention_once(ended_unit, monkeypatch):
    unit, facilitator, carer = ended_unit
    other = MembershipFactory(role=Role.PROFESSIONAL, motivation="Henk? Nooit van gehoord.")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2023, 3, 1))

    assert apply_retention() == {"warned": [], "purged": [unit.pk]}

    carer.refresh_from_db()
    assert carer.motivation == REMOVED_BY_RETENTION
    assert carer.respondent_code == ""
    assert Experiment.objects.get(author=carer.user).learned == REMOVED_BY_RETENTION
    assert unit.sessions.get().notes == REMOVED_BY_RETENTION
    assert Invitation.objects.get(unit=unit).email.endswith("@invalid")
    assert not Membership.history.filter(unit=unit, motivation__contains="Henk").exists()
    # Pseudonymous research data, the accounts and other units are kept.
    assert Observation.objects.filter(unit=unit, respondent="h1").count() == 1
    assert carer.user.full_name != ""
    other.refresh_from_db()
    assert other.motivation == "Henk? Nooit van gehoord."
    assert Unit.objects.get(pk=unit.pk).purged_at is not None
    assert apply_retention() == {"warned": [], "purged": []}
