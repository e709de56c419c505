"""The programme comparison: measures by code across units, common and contextual themes,
only for the units whose research the person may see."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from research.models import CodedFragment, Theme
from research.programme import COMMON, CONTEXTUAL, SOME, programme_comparison
from tests.factories import (
    ExperimentFactory,
    MaterialFactory,
    MembershipFactory,
    ProgrammeFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)

from .analysis_data import add_values, make_measure


def _code(unit, *themes):
    material = MaterialFactory(unit=unit)
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(material),
        object_id=material.pk,
        start=0,
        end=7,
        text=material.text[:7],
    )
    fragment.themes.set(themes)


def _programme(db):
    programme = ProgrammeFactory(name="Loneliness programme")
    units = [UnitFactory(programme=programme, name=n) for n in ("Alpha", "Beta", "Gamma")]
    shared = Theme.objects.create(programme=programme, name="Trust")
    for u in units:
        _code(u, shared)  # a programme theme used in every unit
        _code(u, ThemeFactory(unit=u, name="Time to talk"))  # same name, each unit's own
    _code(units[0], ThemeFactory(unit=units[0], name="Local football club"))
    _code(units[1], ThemeFactory(unit=units[1], name="Shared office"))
    _code(units[2], ThemeFactory(unit=units[2], name="Shared office"))
    for i, u in enumerate(units):
        m = make_measure(u, "lonely", label="Loneliness", higher_is_better=False)
        add_values(u, m, "baseline", {"a": 4, "b": 4 + i, "c": 5, "d": 5})
        add_values(u, m, "final", {"a": 3, "b": 2, "c": 3, "d": 2})
    make_measure(units[0], "only_alpha")
    return programme, units


def test_themes_in_every_unit_and_in_one(db):
    programme, units = _programme(db)
    data = programme_comparison(UserFactory(is_staff=True), programme)
    by_name = {t.name: t for t in data.themes}
    assert by_name["Trust"].occurrence == COMMON
    assert by_name["Time to talk"].occurrence == COMMON  # matched by name across units
    assert by_name["Local football club"].occurrence == CONTEXTUAL
    assert by_name["Local football club"].units == [units[0]]
    assert by_name["Shared office"].occurrence == SOME
    assert [t.name for t in data.common_themes] == ["Time to talk", "Trust"]


def test_a_passage_of_an_experiment_made_private_again_is_not_counted(db):
    programme, units = _programme(db)
    experiment = ExperimentFactory(unit=units[1])
    fragment = CodedFragment.objects.create(
        unit=units[1],
        content_type=ContentType.objects.get_for_model(experiment),
        object_id=experiment.pk,
        source_field="learned",
        start=0,
        end=4,
        text="Open",
    )
    fragment.themes.set([ThemeFactory(unit=units[1], name="Open questions")])
    staff = UserFactory(is_staff=True)
    shared = {t.name: t for t in programme_comparison(staff, programme).themes}
    assert shared["Open questions"].units == [units[1]]

    experiment.visibility = "draft"  # the author takes it back
    experiment.save()
    private = {t.name: t for t in programme_comparison(staff, programme).themes}
    assert "Open questions" not in private
    assert private["Trust"].n_fragments == 3


def test_measures_side_by_side_by_code(db):
    programme, units = _programme(db)
    data = programme_comparison(UserFactory(is_staff=True), programme)
    lonely = next(m for m in data.measures if m.code == "lonely")
    assert [r.unit.name for r in lonely.rows] == ["Alpha", "Beta", "Gamma"]
    assert [r.cells[0].mean for r in lonely.rows] == [4.5, 4.75, 5]
    assert data.measures[0].code == "lonely"  # shared by most units first
    only = next(m for m in data.measures if m.code == "only_alpha")
    assert len(only.rows) == 1


def test_only_units_whose_research_the_person_may_see(client_for, db):
    programme, units = _programme(db)
    researcher = UserFactory()
    MembershipFactory(unit=units[0], user=researcher, role="researcher")
    MembershipFactory(unit=units[1], user=researcher, role="professional")
    data = programme_comparison(researcher, programme)
    assert data.units == [units[0]]
    assert not data.all_units_visible
    # With one unit, nothing can be called common or contextual.
    assert {t.occurrence for t in data.themes} == {SOME}

    url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
    html = client_for(researcher).get(url).content.decode()
    assert "Alpha" in html and "Gamma" not in html


def test_comparison_page(client_for, db, django_assert_max_num_queries):
    programme, units = _programme(db)
    admin = UserFactory(is_staff=True)
    url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
    response = client_for(admin).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    common = html[html.index('id="common-themes"') :]
    common = common[: common.index("</ul>")]
    assert "Trust" in common and "Time to talk" in common
    contextual = html[html.index('id="contextual-themes"') :]
    contextual = contextual[: contextual.index("</ul>")]
    assert "Local football club" in contextual and "Trust" not in contextual
    assert "Loneliness" in html
    assert "improved" in html  # lower is better and the scores went down


def test_who_may_open_the_comparison(client_for, db):
    programme, units = _programme(db)
    url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
    member = UserFactory()
    MembershipFactory(unit=units[0], user=member, role="professional")
    # The programme is visible to a member, its research is not.
    assert client_for(member).get(url).status_code == 403
    assert client_for(UserFactory()).get(url).status_code == 404
    missing = reverse("research_programme:comparison", kwargs={"slug": "nope"})
    assert client_for(member).get(missing).status_code == 404


def _units_with_data(programme, n, researcher):
    for i in range(n):
        unit = UnitFactory(programme=programme, name=f"Unit {i:02d}")
        MembershipFactory(unit=unit, user=researcher, role="researcher")
        m = make_measure(unit, "lonely", label="Loneliness", higher_is_better=False)
        add_values(unit, m, "baseline", {"a": 4, "b": 5, "c": 4})
        add_values(unit, m, "final", {"a": 3, "b": 3, "c": 2})
        _code(unit, ThemeFactory(unit=unit, name="Time to talk"))


def test_the_comparison_costs_the_same_queries_for_3_units_as_for_20(client_for, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for n in (3, 20):
        researcher = UserFactory()
        programme = ProgrammeFactory(name=f"Programme of {n}")
        _units_with_data(programme, n, researcher)
        client = client_for(researcher)
        url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
        assert client.get(url).status_code == 200  # the first view works out what is new
        with CaptureQueriesContext(connection) as cached:
            html = client.get(url).content.decode()
        assert f"Unit {n - 1:02d}" in html
        counts[n] = len(cached)
    assert counts[3] == counts[20]
