"""Members: composition, roles, ending memberships, own motivation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from units.models import Membership, Role
from units.selectors import composition_of, current_memberships

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _membership(unit, user):
    return Membership.objects.get(unit=unit, user=user, left_on__isnull=True)


def test_members_page_shows_size_composition_and_warnings(client_for, unit, facilitator, member):
    response = client_for(member).get(reverse("units:members", args=[unit.slug]))
    composition = response.context["composition"]
    assert composition.size == 2
    assert dict(composition.by_role) == {"Facilitator": 1, "Professional": 1}
    html = response.content.decode()
    assert "The group has 2 members; 7 to 12 is usual." in html
    assert "The unit has no researcher." in html
    assert "The unit has no facilitator." not in html


def test_a_full_group_has_no_warnings(unit, facilitator, researcher):
    for _ in range(6):
        MembershipFactory(unit=unit)
    composition = composition_of(current_memberships(unit))
    assert composition.size == 8
    assert composition.warnings == []


def test_too_large_a_group_and_no_facilitator_are_warned_about(unit, researcher):
    for _ in range(12):
        MembershipFactory(unit=unit)
    warnings = composition_of(current_memberships(unit)).warnings
    assert "The group has 13 members; 7 to 12 is usual." in warnings
    assert "The unit has no facilitator." in warnings


def test_the_facilitator_changes_a_role_and_history_is_kept(client_for, unit, facilitator, member):
    membership = _membership(unit, member)
    response = client_for(facilitator).post(
        reverse("units:membership_role", args=[unit.slug, membership.pk]),
        {"role": Role.RESEARCHER},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.RESEARCHER
    assert [h.role for h in membership.history.order_by("history_date")] == [
        Role.PROFESSIONAL,
        Role.RESEARCHER,
    ]


def test_the_last_facilitator_cannot_step_down(client_for, unit, facilitator):
    membership = _membership(unit, facilitator)
    c = client_for(facilitator)
    response = c.post(
        reverse("units:membership_role", args=[unit.slug, membership.pk]),
        {"role": Role.PROFESSIONAL},
        follow=True,
    )
    assert "The unit needs a facilitator" in response.content.decode()
    response = c.post(
        reverse("units:membership_end", args=[unit.slug, membership.pk]),
        {"left_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "The unit needs a facilitator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR and membership.is_current


def test_ending_a_membership_keeps_it_with_its_dates(client_for, unit, facilitator, member):
    membership = _membership(unit, member)
    today = timezone.localdate()
    response = client_for(facilitator).post(
        reverse("units:membership_end", args=[unit.slug, membership.pk]),
        {"left_on": today.isoformat()},
        follow=True,
    )
    membership.refresh_from_db()
    assert membership.left_on == today
    assert membership in response.context["ended"]
    assert membership not in response.context["memberships"]
    # The former member can no longer see the unit, and may be invited back later.
    assert client_for(member).get(reverse("units:detail", args=[unit.slug])).status_code == 404
    Membership.objects.create(unit=unit, user=member, role=Role.STUDENT)
    assert Membership.objects.filter(unit=unit, user=member).count() == 2


def test_a_membership_cannot_end_before_it_began(client_for, unit, facilitator, member):
    membership = _membership(unit, member)
    client_for(facilitator).post(
        reverse("units:membership_end", args=[unit.slug, membership.pk]),
        {"left_on": (membership.joined_on - timedelta(days=1)).isoformat()},
    )
    membership.refresh_from_db()
    assert membership.is_current


def test_members_cannot_change_roles_or_end_memberships(client_for, unit, facilitator, member):
    fac = _membership(unit, facilitator)
    c = client_for(member)
    url = reverse("units:membership_role", args=[unit.slug, fac.pk])
    assert c.post(url, {"role": Role.STUDENT}).status_code == 403
    url = reverse("units:membership_end", args=[unit.slug, fac.pk])
    assert c.post(url, {"left_on": timezone.localdate().isoformat()}).status_code == 403
    fac.refresh_from_db()
    assert fac.role == Role.FACILITATOR and fac.is_current


def test_a_member_writes_their_own_motivation_and_others_read_it(client_for, unit, member, manager):
    url = reverse("units:membership_own", args=[unit.slug])
    response = client_for(member).post(
        url, {"motivation": "Ik wil leren van cliënten.", "expectations": "Samen experimenteren."}
    )
    assert response.status_code == 302
    membership = _membership(unit, member)
    assert membership.motivation == "Ik wil leren van cliënten."
    assert membership.expectations == "Samen experimenteren."
    html = client_for(manager).get(reverse("units:members", args=[unit.slug])).content.decode()
    assert "Ik wil leren van cliënten." in html
    # A manager reads but does not write.
    assert client_for(manager).post(url, {"motivation": "x"}).status_code == 403


def test_the_members_page_has_a_role_and_end_form_per_member(client_for, unit, facilitator, member):
    membership = _membership(unit, member)
    html = client_for(facilitator).get(reverse("units:members", args=[unit.slug])).content.decode()
    assert f'action="{reverse("units:membership_role", args=[unit.slug, membership.pk])}"' in html
    assert f'action="{reverse("units:membership_end", args=[unit.slug, membership.pk])}"' in html
    member_html = client_for(member).get(reverse("units:members", args=[unit.slug]))
    assert "/role/" not in member_html.content.decode()


def test_the_facilitator_sees_each_members_address_and_last_sign_in_and_members_do_not(
    client_for, unit, facilitator, member
):
    signed_in = timezone.make_aware(timezone.datetime(2026, 11, 3, 10, 0))
    type(member).objects.filter(pk=member.pk).update(last_login=signed_in)
    url = reverse("units:members", args=[unit.slug])
    facilitator_page = client_for(facilitator).get(url).content.decode()
    assert f'<a href="mailto:{member.email}">{member.email}</a>' in facilitator_page
    assert "last signed in on 3 Nov 2026" in facilitator_page
    member_page = client_for(member).get(url).content.decode()
    assert f"mailto:{facilitator.email}" not in member_page
    assert "last signed in" not in member_page


def test_a_group_of_one_is_one_member(unit, facilitator):
    warnings = composition_of(current_memberships(unit)).warnings
    assert "The group has 1 member; 7 to 12 is usual." in warnings
