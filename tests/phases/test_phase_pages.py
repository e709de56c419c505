"""The per-phase pages: what belongs to each phase, and who may fill it in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phases import services
from phases.models import BaselineItem, ProjectDesign

from ..factories import BaselineItemFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_every_phase_page_shows_its_checklist(unit, facilitator, manager, client_for, number):
    for person in (facilitator, manager):
        response = client_for(person).get(reverse("phases:phase", args=[unit.slug, number]))
        assert response.status_code == 200
        assert "Exit criteria" in response.content.decode()


def test_unknown_phase_and_outsiders_get_404(unit, facilitator, outsider, client_for):
    assert client_for(facilitator).get(f"/units/{unit.slug}/phases/7/").status_code == 404
    url = reverse("phases:phase", args=[unit.slug, 1])
    assert client_for(outsider).get(url).status_code == 404


def test_facilitator_writes_the_ambition_and_project_design(unit, facilitator, client_for):
    client = client_for(facilitator)
    r = client.post(
        reverse("phases:design_edit", args=[unit.slug]),
        {
            "ambition": "Eenzaamheid eerder herkennen",
            "urgency": "Een op de drie ouderen voelt zich eenzaam",
            "duration_months": 18,
            "cadence_weeks": 6,
            "research_design": "Nulmeting, tussenmeting en eindmeting",
            "management_support": "Manager wijkteams",
            "mandate_hours_per_month": 8,
            "permission_to_experiment": "on",
        },
    )
    assert r.status_code == 302
    design = ProjectDesign.objects.get(unit=unit)
    assert design.permission_to_experiment and design.duration_months == 18
    page = client.get(reverse("phases:phase", args=[unit.slug, 1])).content.decode()
    assert "Eenzaamheid eerder herkennen" in page
    assert page.count("badge text-bg-success") == 2  # both criteria met


def test_bad_design_input_is_answered_on_the_form(unit, facilitator, client_for):
    r = client_for(facilitator).post(
        reverse("phases:design_edit", args=[unit.slug]), {"duration_months": "eighteen"}
    )
    assert r.status_code == 200
    assert "duration_months" in r.context["form"].errors
    assert not ProjectDesign.objects.exists()


def test_members_cannot_edit_phase_content(unit, member, client_for):
    client = client_for(member)
    assert client.get(reverse("phases:design_edit", args=[unit.slug])).status_code == 403
    r = client.post(
        reverse("phases:phase", args=[unit.slug, 3]),
        {"kind": "strength", "text": "x", "knowledge_source": "professional"},
    )
    assert r.status_code == 403
    assert not BaselineItem.objects.exists()


def test_facilitator_records_the_baseline_assessment(unit, facilitator, client_for):
    client = client_for(facilitator)
    url = reverse("phases:phase", args=[unit.slug, 3])
    r = client.post(
        url,
        {
            "kind": "improvement",
            "text": "Niemand vraagt naar eenzaamheid",
            "knowledge_source": "experiential",
        },
    )
    assert r.status_code == 302
    item = BaselineItem.objects.get()
    assert (item.kind, item.knowledge_source, item.created_by) == (
        "improvement",
        "experiential",
        facilitator,
    )
    r = client.post(url, {"kind": "strength", "text": "", "knowledge_source": "nonsense"})
    assert r.status_code == 400
    assert set(r.context["baseline_form"].errors) == {"text", "knowledge_source"}
    client.post(reverse("phases:baseline_delete", args=[unit.slug, item.pk]))
    assert not BaselineItem.objects.exists()


def test_phase_2_shows_motivation_and_expectations_and_takes_a_reason(
    unit, facilitator, client_for
):
    MembershipFactory(unit=unit, motivation="Ik wil leren van cliënten", expectations="Tijd")
    client = client_for(facilitator)
    url = reverse("phases:phase", args=[unit.slug, 2])
    assert "Ik wil leren van cliënten" in client.get(url).content.decode()
    assert client.post(url, {"group_size_reason": "Pilot met vijf"}).status_code == 302
    assert ProjectDesign.objects.get(unit=unit).group_size_reason == "Pilot met vijf"


def test_baseline_page_queries_stay_constant(
    unit, facilitator, client_for, django_assert_num_queries
):
    BaselineItemFactory(unit=unit, created_by=facilitator)
    client = client_for(facilitator)
    url = reverse("phases:phase", args=[unit.slug, 3])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _i in range(10):
        BaselineItemFactory(unit=unit, kind="improvement", created_by=facilitator)
    with django_assert_num_queries(len(small)):
        client.get(url)


def test_pages_speak_dutch_to_a_dutch_member(unit, facilitator, client_for):
    facilitator.language = "nl"
    facilitator.save(update_fields=["language"])
    client = client_for(facilitator)
    overview = client.get(reverse("phases:overview", args=[unit.slug])).content.decode()
    assert "Afrondingscriteria" in overview and "De ambitie is beschreven" in overview
    plan = client.get(reverse("phases:plan", args=[unit.slug])).content.decode()
    assert "Plan van aanpak" in plan
    r = client.post(reverse("phases:advance", args=[unit.slug]), {"expected_phase": 1})
    assert "Nog niet voldaan: De ambitie is beschreven" in r.content.decode()


def test_a_client_reads_what_a_phase_is_about_not_the_facilitators_criteria(
    unit, facilitator, service_user, client_for
):
    url = reverse("phases:phase", args=[unit.slug, 1])
    client_page = client_for(service_user).get(url).content.decode()
    assert "The group decides what should get better, and for whom." in client_page
    assert "Exit criteria" not in client_page
    facilitator_page = client_for(facilitator).get(url).content.decode()
    assert "Exit criteria" in facilitator_page
    overview = client_for(service_user).get(reverse("phases:overview", args=[unit.slug]))
    assert "Exit criteria, checked from" not in overview.content.decode()
    # Once the unit has moved on over open criteria, the history says why: to the facilitator.
    services.phase_advance(unit=unit, actor=facilitator, justification="Agreed in session 1")
    overview = client_for(service_user).get(reverse("phases:overview", args=[unit.slug]))
    assert "Criteria not met, and why" not in overview.content.decode()
    facilitator_overview = client_for(facilitator).get(reverse("phases:overview", args=[unit.slug]))
    assert "Criteria not met, and why" in facilitator_overview.content.decode()


def test_a_client_does_not_see_the_warnings_about_the_groups_composition(
    unit, facilitator, service_user, client_for
):
    warning = "The unit has no researcher."
    url = reverse("units:detail", args=[unit.slug])
    assert warning in client_for(facilitator).get(url).content.decode()
    client_page = client_for(service_user).get(url).content.decode()
    assert warning not in client_page
    assert "Still open in phase" not in client_page


def test_the_project_design_starts_from_the_units_meeting_cadence(unit, facilitator, client_for):
    unit.cadence_weeks = 4
    unit.save()
    ProjectDesign.objects.create(unit=unit, ambition="Loneliness recognised sooner")
    client = client_for(facilitator)
    form = client.get(reverse("phases:design_edit", args=[unit.slug])).context["form"]
    assert form["cadence_weeks"].value() == 4
    page = client.get(reverse("phases:phase", args=[unit.slug, 1])).content.decode()
    assert "every 4 weeks" in page
