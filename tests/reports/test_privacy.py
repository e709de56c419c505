"""Reports go to funders: members are named by role and number, never clients or
family carers by name, and professionals by name only where the unit allows it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import Kind
from reports.presenting import unit_context
from reports.services import report_request
from reports.snapshot import unit_snapshot
from units.models import Role

from ..factories import (
    ActionStepFactory,
    AttendanceFactory,
    ExperimentFactory,
    GoalFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
)
from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(unit, facilitator):
    client = UserFactory(full_name="Kees Mulder")
    carer = UserFactory(full_name="Carla de Boer")
    professional = UserFactory(full_name="Priya Jansen")
    MembershipFactory(unit=unit, user=client, role=Role.SERVICE_USER)
    MembershipFactory(unit=unit, user=carer, role=Role.FAMILY_CARER)
    MembershipFactory(unit=unit, user=professional, role=Role.PROFESSIONAL)
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=7), phase=1)
    for person in (client, carer, professional):
        AttendanceFactory(session=session, user=person, status="present")
    ExperimentFactory(unit=unit, author=client)
    ActionStepFactory(goal=GoalFactory(unit=unit), owner=carer)
    return {"client": client, "carer": carer, "professional": professional}


def _names_shown(unit) -> dict:
    context = unit_context(Kind.BASELINE, unit_snapshot(unit, Kind.BASELINE))
    return {
        "attendance": sorted(p["name"] for p in context["sessions"]["per_person"]),
        "experiments": [r["name"] for r in context["experiments"]["per_member"]],
        "step owners": [s["owner"] for g in context["plan"]["goals"] for s in g["steps"]],
    }


def test_by_default_nobody_is_named(unit, facilitator, people):
    snapshot = json.dumps(unit_snapshot(unit, Kind.BASELINE))
    for person in (*people.values(), facilitator):
        assert person.full_name not in snapshot
        assert person.email not in snapshot
    assert _names_shown(unit) == {
        "attendance": ["Facilitator 1", "Family carer 1", "Professional 1", "Service user 1"],
        "experiments": ["Service user 1"],
        "step owners": ["Family carer 1"],
    }


def test_a_unit_may_name_its_professionals_but_never_clients_or_carers(unit, facilitator, people):
    unit.names_in_reports = True
    unit.save()
    shown = _names_shown(unit)
    assert shown["attendance"] == sorted(
        [facilitator.full_name, "Family carer 1", "Priya Jansen", "Service user 1"]
    )
    snapshot = json.dumps(unit_snapshot(unit, Kind.BASELINE))
    assert "Kees Mulder" not in snapshot and "Carla de Boer" not in snapshot


def test_the_dutch_pdf_names_the_client_by_role(
    unit, facilitator, researcher, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(unit=unit, kind=Kind.BASELINE, language="nl", actor=researcher)
    report.refresh_from_db()
    text = pdf_text(report)
    assert "Cliënt 1" in text and "Mantelzorger 1" in text
    assert "Kees Mulder" not in text and "Carla de Boer" not in text


def test_members_by_role_are_counted_when_they_are_not_named(unit, facilitator, people):
    unit.names_in_reports = True
    unit.save()
    context = unit_context(Kind.BASELINE, unit_snapshot(unit, Kind.BASELINE))
    shown = {
        g["role"]: [p["name"] for p in g["people"]] if g["named"] else len(g["people"])
        for g in context["members_by_role"]
    }
    assert shown == {
        "Facilitator": [facilitator.full_name],
        "Professional": ["Priya Jansen"],
        "Service user": 1,
        "Family carer": 1,
    }


def test_a_quote_says_where_it_comes_from_and_never_who(unit, facilitator, people):
    from django.contrib.contenttypes.models import ContentType

    from phases.models import Experiment
    from research.models import CodedFragment

    from ..factories import ThemeFactory

    experiment = Experiment.objects.get(author=people["client"])
    experiment.learned = "Asking about the week opened the conversation."
    experiment.date = timezone.localdate().replace(day=1)
    experiment.save()
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(Experiment),
        object_id=experiment.pk,
        source_field="learned",
        start=0,
        end=20,
        text="Asking about the week",
    )
    fragment.themes.add(ThemeFactory(unit=unit, name="Open questions"))
    context = unit_context(Kind.BASELINE, unit_snapshot(unit, Kind.BASELINE))
    (quote,) = next(t for t in context["themes"] if t["name"] == "Open questions")["quotes"]
    assert quote == {
        "text": "Asking about the week",
        "source": "Practice experiment · Service user",
        "date": experiment.date,
        "role": Role.SERVICE_USER,
    }
