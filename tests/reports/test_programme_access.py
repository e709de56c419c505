"""A programme's comparison reports show every unit's figures: who may see them.

The rule (units/access.py, ``ProgrammeAccess``): the research permission in
every unit of the programme, or an administrator. Its research page shows each
person only the units whose research they may see; a report cannot be cut that
way, so a facilitator of one unit sees neither the PDF nor its comparison page.
"""

import pytest
from django.urls import reverse

from reports.models import Kind, Report
from units.access import ROLE_PERMS, Perm
from units.models import Role

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory, UserFactory
from .test_pages import _done_report

pytestmark = pytest.mark.django_db


def _programme_url(name, programme, **kwargs):
    return reverse(f"programme_reports:{name}", kwargs={"slug": programme.slug, **kwargs})


@pytest.fixture
def two_units(unit, researcher):
    """A programme of two units; its researcher works in both, the others in one."""
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    other = UnitFactory(programme=programme)
    MembershipFactory(unit=other, user=researcher, role=Role.RESEARCHER)
    MembershipFactory(unit=other, role=Role.FACILITATOR)
    _done_report(programme, kind=Kind.COMPARISON, version=1)
    report = _done_report(programme, kind=Kind.COMPARISON, version=2)
    return programme, report


# One exact answer per person: only who may see both units' research sees the comparison.
TWO_UNITS = {
    "facilitator": 403,  # sees the research of one of the two units
    "researcher": 200,  # researcher of both units
    "member": 403,
    "service_user": 403,
    "manager": 403,  # manager of one unit
    "outsider": 404,
    "admin_user": 200,
}


@pytest.mark.parametrize("page", ["list", "status", "download", "compare"])
@pytest.mark.parametrize(("person", "status"), TWO_UNITS.items())
def test_a_comparison_needs_the_research_of_every_unit(
    request, client_for, two_units, page, person, status
):
    programme, report = two_units
    user = request.getfixturevalue(person)
    kwargs = {} if page == "list" else {"pk": report.pk}

    response = client_for(user).get(_programme_url(page, programme, **kwargs))

    assert response.status_code == status


def test_a_facilitator_of_one_unit_sees_only_that_unit_on_the_research_page(
    client_for, two_units, unit, facilitator
):
    programme, report = two_units
    client = client_for(facilitator)

    research = client.get(reverse("research_programme:comparison", args=[programme.slug]))

    assert research.status_code == 200
    assert [u.pk for u in research.context["comparison"].units] == [unit.pk]
    assert client.get(_programme_url("download", programme, pk=report.pk)).status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_in_a_one_unit_programme_the_pdf_follows_the_research_page(client_for, unit, role):
    """Whoever gets 403 on the programme's research page gets 403 for its PDF too."""
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    report = _done_report(programme, kind=Kind.COMPARISON)
    client = client_for(MembershipFactory(unit=unit, role=role).user)
    expected = 200 if Perm.VIEW_RESEARCH in ROLE_PERMS[role] else 403

    research = client.get(reverse("research_programme:comparison", args=[programme.slug]))
    download = client.get(_programme_url("download", programme, pk=report.pk))

    assert (research.status_code, download.status_code) == (expected, expected)


def test_a_researcher_of_one_unit_may_not_ask_for_the_comparison(client_for, unit, two_units):
    programme, _report = two_units
    researcher = MembershipFactory(unit=unit, role=Role.RESEARCHER).user

    response = client_for(researcher).post(
        _programme_url("request", programme), {"kind": "comparison", "language": "en"}
    )
    narrative = client_for(researcher).get(
        _programme_url("narrative", programme, kind="comparison")
    )

    assert (response.status_code, narrative.status_code) == (403, 403)
    assert Report.objects.filter(programme=programme).count() == 2


def test_the_unit_page_links_to_the_comparison_only_for_who_may_see_it(
    client_for, two_units, unit, researcher, member
):
    programme, _report = two_units
    unit_list = reverse("reports:list", kwargs={"slug": unit.slug})
    link = _programme_url("list", programme)

    assert link in client_for(researcher).get(unit_list).content.decode()
    assert link not in client_for(member).get(unit_list).content.decode()


def test_an_administrator_sees_a_programme_without_units(client_for):
    programme = ProgrammeFactory()
    url = _programme_url("list", programme)

    assert client_for(UserFactory(is_staff=True)).get(url).status_code == 200
    assert client_for(UserFactory()).get(url).status_code == 404
