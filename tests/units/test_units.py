"""Creating and editing units and programmes."""

from datetime import date

import pytest
from django.urls import reverse

from units.models import Membership, Organisation, Programme, Role, Unit

from ..factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _unit_data(**overrides):
    data = {
        "name": "BPU Breda: armoede in gezinnen",
        "theme": "Armoede eerder bespreekbaar maken",
        "target_group": "Gezinnen met jonge kinderen",
        "planned_start": "2027-01-01",
        "planned_end": "2028-06-30",
        "cadence_weeks": "4",
        "reminder_days_before": "2",
        "new_organisations": "",
    }
    data.update(overrides)
    return data


def test_a_facilitator_creates_a_unit_and_becomes_its_facilitator(client_for, unit, facilitator):
    org = Organisation.objects.create(name="Wijkteam Breda")
    unit.organisations.add(org)  # an organisation of a unit they are in: theirs to choose
    response = client_for(facilitator).post(
        reverse("units:create"),
        _unit_data(organisations=[org.pk], new_organisations="Avans, Wijkteam breda"),
    )
    new = Unit.objects.get(name="BPU Breda: armoede in gezinnen")
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    assert new.slug == "bpu-breda-armoede-in-gezinnen"
    assert new.phase == 1
    assert new.created_by == facilitator
    # "Wijkteam breda" is the existing organisation, matched regardless of case.
    assert sorted(o.name for o in new.organisations.all()) == ["Avans", "Wijkteam Breda"]
    membership = Membership.objects.get(unit=new, user=facilitator)
    assert membership.role == Role.FACILITATOR and membership.is_current


def test_an_administrator_may_create_units_but_a_plain_member_may_not(
    client_for, admin_user, member
):
    assert client_for(admin_user).get(reverse("units:create")).status_code == 200
    assert client_for(member).get(reverse("units:create")).status_code == 403
    assert client_for(member).post(reverse("units:create"), _unit_data()).status_code == 403
    assert not Unit.objects.filter(name__startswith="BPU Breda").exists()


def test_unusual_duration_and_cadence_are_warnings_not_errors(client_for, facilitator):
    response = client_for(facilitator).post(
        reverse("units:create"),
        _unit_data(planned_end="2027-04-01", cadence_weeks="10"),
        follow=True,
    )
    assert Unit.objects.filter(name__startswith="BPU Breda").exists()
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 2
    assert "one to two years" in warnings[0]
    assert "three to six weeks" in warnings[1]


def test_a_normal_plan_gives_no_warnings(client_for, facilitator):
    response = client_for(facilitator).post(reverse("units:create"), _unit_data(), follow=True)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"planned_end": "2026-12-01"}, "planned_end", "after the planned start"),
        ({"cadence_weeks": "0"}, "cadence_weeks", "greater than or equal to 1"),
        ({"name": ""}, "name", "required"),
        ({"reminder_days_before": "30"}, "reminder_days_before", "less than or equal to 14"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client_for, facilitator, overrides, field, text
):
    response = client_for(facilitator).post(reverse("units:create"), _unit_data(**overrides))
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert not Unit.objects.filter(theme="Armoede eerder bespreekbaar maken").exists()
    assert not Organisation.objects.exists()


def test_slugs_are_unique_and_never_collide_with_fixed_addresses(client_for, facilitator):
    c = client_for(facilitator)
    c.post(reverse("units:create"), _unit_data())
    c.post(reverse("units:create"), _unit_data())
    c.post(reverse("units:create"), _unit_data(name="New"))
    slugs = set(Unit.objects.values_list("slug", flat=True))
    assert {"bpu-breda-armoede-in-gezinnen", "bpu-breda-armoede-in-gezinnen-2"} <= slugs
    assert "new" not in slugs and "new-2" in slugs


def test_the_facilitator_edits_the_unit_but_the_phase_and_slug_stay(client_for, unit, facilitator):
    old_slug = unit.slug
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]),
        _unit_data(
            name="Renamed",
            planned_start=str(unit.planned_start),
            planned_end=str(unit.planned_end),
            cadence_weeks="5",
        ),
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.slug, unit.cadence_weeks, unit.phase) == ("Renamed", old_slug, 5, 1)


def test_only_facilitators_edit_a_unit(client_for, unit, member, researcher, manager):
    for person in (member, researcher, manager):
        assert client_for(person).get(reverse("units:edit", args=[unit.slug])).status_code == 403
        response = client_for(person).post(reverse("units:edit", args=[unit.slug]), _unit_data())
        assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name != "BPU Breda: armoede in gezinnen"


def test_a_programme_lists_only_the_units_the_person_can_see(client_for, unit, member):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    hidden = Unit.objects.create(
        name="Other unit",
        slug="other-unit",
        theme="x",
        programme=programme,
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 1, 1),
    )
    response = client_for(member).get(reverse("units:programme_detail", args=[programme.slug]))
    assert response.status_code == 200
    assert list(response.context["units"]) == [unit]
    assert hidden.name not in response.content.decode()


def test_a_programme_without_any_of_my_units_is_a_404(client_for, outsider):
    programme = ProgrammeFactory()
    url = reverse("units:programme_detail", args=[programme.slug])
    assert client_for(outsider).get(url).status_code == 404


def test_a_facilitator_creates_a_programme_then_a_unit_in_it(client_for, facilitator):
    c = client_for(facilitator)
    response = c.post(reverse("units:programme_create"), {"name": "Armoede in Brabant"})
    programme = Programme.objects.get(name="Armoede in Brabant")
    assert response["Location"] == f"{reverse('units:create')}?programme={programme.slug}"
    assert c.get(response["Location"]).context["form"].initial["programme"] == programme
    c.post(reverse("units:create"), _unit_data(programme=programme.pk))
    assert c.get(reverse("units:programme_detail", args=[programme.slug])).status_code == 200


@pytest.mark.parametrize("name", ["Line one\nBcc: someone@example.org", "Tab\there", "A\u2028B"])
def test_a_unit_name_is_one_line(client_for, unit, facilitator, name):
    response = client_for(facilitator).post(
        reverse("units:edit", args=[unit.slug]),
        _unit_data(name=name, planned_start=unit.planned_start, planned_end=unit.planned_end),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Use a single line, without line breaks or tabs."
    ]
    unit.refresh_from_db()
    assert unit.name != name


def test_a_programme_name_is_one_line(client_for, facilitator):
    response = client_for(facilitator).post(
        reverse("units:programme_create"), {"name": "Armoede\r\nSubject: spam"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "Use a single line, without line breaks or tabs."
    ]
    assert not Programme.objects.exists()


def test_the_services_refuse_a_name_on_two_lines_too(facilitator):
    from django.core.exceptions import ValidationError

    from units import services

    with pytest.raises(ValidationError) as error:
        services.programme_create(name="Two\nlines", creator=facilitator)
    assert error.value.message_dict == {"name": ["Use a single line, without line breaks or tabs."]}
