"""Who may see and do what, per role, against their own unit and against another unit."""

import pytest
from django.urls import reverse

from units.models import Role

from ..factories import AgendaItemFactory, MembershipFactory, SessionFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _pages(unit, session, item):
    s, p = unit.slug, session.pk
    return {
        "detail": reverse("units:detail", args=[s]),
        "members": reverse("units:members", args=[s]),
        "sessions": reverse("units:sessions", args=[s]),
        "session": reverse("units:session_detail", args=[s, p]),
        "ics": reverse("units:session_ics", args=[s, p]),
        "own": reverse("units:membership_own", args=[s]),
        "edit": reverse("units:edit", args=[s]),
        "invite": reverse("units:invitation_create", args=[s]),
        "series": reverse("units:series_create", args=[s]),
        "session_new": reverse("units:session_create", args=[s]),
        "session_edit": reverse("units:session_edit", args=[s, p]),
        "agenda_edit": reverse("units:agenda_edit", args=[s, p, item.pk]),
    }


READ = {"detail", "members", "sessions", "session", "ics"}
OWN = {"own"}
MANAGE = {"edit", "invite", "series", "session_new", "session_edit", "agenda_edit"}

EXPECTED = {
    Role.FACILITATOR: READ | OWN | MANAGE,
    Role.RESEARCHER: READ | OWN,
    Role.PROFESSIONAL: READ | OWN,
    Role.STUDENT: READ | OWN,
    Role.SERVICE_USER: READ | OWN,
    Role.FAMILY_CARER: READ | OWN,
    Role.MANAGER: READ,
}


@pytest.fixture
def setting(unit):
    session = SessionFactory(unit=unit)
    item = AgendaItemFactory(session=session)
    return unit, session, item


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_in_its_own_unit(client_for, setting, role):
    unit, session, item = setting
    person = MembershipFactory(unit=unit, role=role).user
    c = client_for(person)
    for name, url in _pages(unit, session, item).items():
        expected = 200 if name in EXPECTED[role] else 403
        assert c.get(url).status_code == expected, (role, name)


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_404_for_every_page_of_another_unit(client_for, setting, role):
    unit, session, item = setting
    person = MembershipFactory(unit=UnitFactory(), role=role).user
    c = client_for(person)
    for name, url in _pages(unit, session, item).items():
        assert c.get(url).status_code == 404, (role, name)


def test_a_former_member_is_an_outsider(client_for, setting):
    unit, session, item = setting
    membership = MembershipFactory(unit=unit, role=Role.PROFESSIONAL)
    membership.left_on = membership.joined_on
    membership.save()
    c = client_for(membership.user)
    assert c.get(reverse("units:detail", args=[unit.slug])).status_code == 404


def test_an_administrator_sees_and_manages_every_unit(client_for, setting, admin_user):
    unit, session, item = setting
    c = client_for(admin_user)
    for name, url in _pages(unit, session, item).items():
        if name == "own":
            continue  # an administrator who is not a member has no own entry
        assert c.get(url).status_code == 200, name


def test_anonymous_visitors_are_sent_to_log_in(client, setting):
    unit, session, item = setting
    for name, url in _pages(unit, session, item).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("units:dashboard")).status_code == 302


def test_unknown_units_and_sessions_of_another_unit_are_404(client_for, setting, facilitator):
    unit, session, item = setting
    c = client_for(facilitator)
    assert c.get(reverse("units:detail", args=["no-such-unit"])).status_code == 404
    other_session = SessionFactory(unit=UnitFactory())
    url = reverse("units:session_detail", args=[unit.slug, other_session.pk])
    assert c.get(url).status_code == 404
    url = reverse("units:session_cancel", args=[unit.slug, other_session.pk])
    assert c.post(url).status_code == 404


def test_nav_shows_only_the_tabs_that_exist(client_for, setting, facilitator):
    unit, session, item = setting
    html = client_for(facilitator).get(reverse("units:detail", args=[unit.slug])).content.decode()
    assert reverse("units:sessions", args=[unit.slug]) in html
    assert reverse("units:members", args=[unit.slug]) in html
