"""The admin pages for units models, and the demo seeder."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from units.models import AgendaItem, Attendance, Session, Unit

from ..factories import (
    AgendaItemFactory,
    AttendanceFactory,
    InvitationFactory,
    MembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "organisation",
    "programme",
    "unit",
    "membership",
    "invitation",
    "session",
    "agendaitem",
    "attendance",
    "calendarfeed",
    "accesslog",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_units_model_has_a_working_admin_list_and_search(client_for, admin_user, model):
    membership = MembershipFactory()
    session = SessionFactory(unit=membership.unit)
    AgendaItemFactory(session=session)
    AttendanceFactory(session=session, user=membership.user)
    InvitationFactory(unit=membership.unit)
    c = client_for(admin_user)
    url = reverse(f"admin:units_{model}_changelist")
    assert c.get(url).status_code == 200
    assert c.get(url, {"q": "a"}).status_code == 200


def test_the_unit_admin_shows_members_and_session_admin_shows_agenda(client_for, admin_user):
    membership = MembershipFactory()
    session = SessionFactory(unit=membership.unit)
    c = client_for(admin_user)
    page = c.get(reverse("admin:units_unit_change", args=[membership.unit.pk]))
    assert page.status_code == 200 and str(membership.user) in page.content.decode()
    assert c.get(reverse("admin:units_session_change", args=[session.pk])).status_code == 200


def test_seed_demo_makes_sessions_with_attendance_and_notes_once():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Session.objects.count(), AgendaItem.objects.count(), Attendance.objects.count())
    assert all(counts)
    for unit in Unit.objects.all():
        assert unit.sessions.exists()
    past_with_notes = Session.objects.exclude(notes="").exclude(decisions="")
    assert past_with_notes.exists()
    assert all(s.attendances.exists() for s in past_with_notes)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Session.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
    ) == counts


def test_seed_demo_prints_each_account_with_its_roles_and_units():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if "@" in line}
    assert (
        lines["facilitator2@example.org"].split(None, 3)[3] == "facilitator in utrecht-mantelzorg"
    )
    assert lines["admin@example.org"].endswith("administrator")
    assert lines["client@example.org"].endswith(
        "service_user in eindhoven-ervaringsdeskundigheid, tilburg-eenzaamheid"
    )
