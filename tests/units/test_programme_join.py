"""Putting a unit into a programme is for those who may manage the programme.

A unit in a programme sees the programme's comparison (every unit's figures), so
a facilitator of one unit must not be able to join someone else's programme, and
the unit form offers only the programmes and organisations a person may choose.
"""

import pytest
from django.urls import reverse

from units.models import Organisation, Role

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _edit_data(unit, **overrides):
    data = {
        "name": unit.name,
        "theme": unit.theme,
        "target_group": "",
        "planned_start": unit.planned_start.isoformat(),
        "planned_end": unit.planned_end.isoformat(),
        "cadence_weeks": "6",
        "reminder_days_before": "2",
        "new_organisations": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def other_programme(db):
    """Someone else's programme, with a unit and an organisation of its own."""
    programme = ProgrammeFactory(name="Eenzaamheid Zuid")
    victim = UnitFactory(programme=programme)
    victim.organisations.add(Organisation.objects.create(name="Zorggroep Zuid"))
    return programme


def test_a_facilitator_cannot_join_their_unit_to_someone_elses_programme(
    client_for, unit, facilitator, other_programme
):
    c = client_for(facilitator)
    url = reverse("units:edit", args=[unit.slug])
    page = c.get(url)
    assert list(page.context["form"].fields["programme"].queryset) == []
    assert "Eenzaamheid Zuid" not in page.content.decode()
    assert "Zorggroep Zuid" not in page.content.decode()

    response = c.post(url, _edit_data(unit, programme=other_programme.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["programme"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    unit.refresh_from_db()
    assert unit.programme is None


def test_nor_choose_another_organisation_by_its_id(client_for, unit, facilitator, other_programme):
    foreign = Organisation.objects.get(name="Zorggroep Zuid")
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]), _edit_data(unit, organisations=[foreign.pk])
    )
    assert response.status_code == 200
    assert "organisations" in response.context["form"].errors
    assert list(unit.organisations.all()) == []


def test_nor_have_it_chosen_in_advance_on_the_new_unit_page(
    client_for, facilitator, other_programme
):
    page = client_for(facilitator).get(
        f"{reverse('units:create')}?programme={other_programme.slug}"
    )
    assert page.context["form"].initial["programme"] is None


def test_a_facilitator_of_a_unit_in_the_programme_may_add_another_unit_of_theirs(
    client_for, unit, facilitator, other_programme
):
    MembershipFactory(unit=other_programme.units.get(), user=facilitator, role=Role.FACILITATOR)
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]), _edit_data(unit, programme=other_programme.pk)
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.programme == other_programme


def test_a_professional_of_a_unit_in_the_programme_may_not(
    client_for, unit, facilitator, other_programme
):
    MembershipFactory(unit=other_programme.units.get(), user=facilitator, role=Role.PROFESSIONAL)
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]), _edit_data(unit, programme=other_programme.pk)
    )
    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.programme is None


def test_the_person_who_started_a_programme_may_put_units_into_it(client_for, unit, facilitator):
    programme = ProgrammeFactory(created_by=facilitator)
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]), _edit_data(unit, programme=programme.pk)
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.programme == programme


def test_a_unit_keeps_the_programme_an_administrator_put_it_in(
    client_for, unit, facilitator, other_programme
):
    unit.programme = other_programme
    unit.save()
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]),
        _edit_data(unit, programme=other_programme.pk, name="Renamed"),
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.programme) == ("Renamed", other_programme)


def test_an_administrator_may_join_any_unit_to_any_programme(
    client_for, unit, admin_user, other_programme
):
    response = client_for(admin_user).post(
        reverse("units:edit", args=[unit.slug]), _edit_data(unit, programme=other_programme.pk)
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.programme == other_programme
