"""Programme factors: linked themes of three units, common / contextual / shared by some
from the coding, the researcher's override with a reason, and the evidence chain from a
passage to a measured change (issue 18)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from research.factors import COMMON, CONTEXTUAL, NONE, SOME, evidence_chain, factor_table
from research.models import CodedFragment, GoalMeasure, ProgrammeFactor, Theme
from research.services.evidence import (
    factor_create,
    factor_override,
    factors_from_theme_names,
)
from tests.factories import (
    ExperimentFactory,
    GoalFactory,
    MaterialFactory,
    MembershipFactory,
    ProgrammeFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)
from units.models import Role

from .analysis_data import add_values, make_measure


def _code(unit, theme, source=None, text_end=7):
    source = source or MaterialFactory(unit=unit)
    text = getattr(source, "text", None) or source.learned
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(source),
        object_id=source.pk,
        source_field="text" if hasattr(source, "text") else "learned",
        start=0,
        end=text_end,
        text=text[:text_end],
    )
    fragment.themes.set([theme])
    return fragment


@pytest.fixture
def programme(db):
    """Three units; "Trust" coded in all three (in Alpha from an experiment serving a goal
    that aims at loneliness), "Shared office" in two, "Football club" in one, and
    "Waiting lists" linked but never coded."""
    programme = ProgrammeFactory(name="Loneliness programme")
    units = [UnitFactory(programme=programme, name=n) for n in ("Alpha", "Beta", "Gamma")]
    trust = [
        ThemeFactory(unit=u, name=n)
        for u, n in zip(units, ("Trust", "trust", "Vertrouwen"), strict=True)
    ]
    alpha = units[0]
    goal = GoalFactory(unit=alpha, text="Fewer lonely clients")
    lonely = make_measure(alpha, "lonely", label="Loneliness", higher_is_better=False)
    GoalMeasure.objects.create(goal=goal, measure=lonely)
    add_values(alpha, lonely, "baseline", {"a": 4, "b": 5, "c": 5, "d": 4})
    add_values(alpha, lonely, "final", {"a": 2, "b": 3, "c": 2, "d": 2})
    experiment = ExperimentFactory(unit=alpha, goal=goal, title="Asking about the week")
    _code(alpha, trust[0], experiment)
    _code(alpha, trust[0])
    _code(units[1], trust[1])
    _code(units[2], trust[2])
    draft = ExperimentFactory(unit=units[2], visibility="draft")
    _code(units[2], trust[2], draft)  # a private draft: never evidence
    office = [ThemeFactory(unit=u, name="Shared office") for u in units[1:]]
    for u, t in zip(units[1:], office, strict=True):
        _code(u, t)
    football = ThemeFactory(unit=alpha, name="Football club")
    _code(alpha, football)
    waiting = ThemeFactory(unit=units[1], name="Waiting lists")
    factors = {
        "Trust": factor_create(programme=programme, name="Trust", themes=trust),
        "Shared office": factor_create(programme=programme, name="Shared office", themes=office),
        "Football club": factor_create(
            programme=programme, name="Football club", themes=[football]
        ),
        "Waiting lists": factor_create(programme=programme, name="Waiting lists", themes=[waiting]),
    }
    return programme, units, factors, experiment, goal


def test_common_in_every_unit_contextual_in_one_some_in_two(programme):
    programme, units, _factors, _e, _g = programme
    rows = {r.factor.name: r for r in factor_table(programme, units)}
    assert {n: r.occurrence for n, r in rows.items()} == {
        "Trust": COMMON,
        "Shared office": SOME,
        "Football club": CONTEXTUAL,
        "Waiting lists": NONE,
    }
    trust = rows["Trust"]
    # Alpha: two passages (one of an experiment with a goal and a measure); the draft in
    # Gamma is not counted.
    assert [c["passages"] for c in trust.per_unit] == [2, 1, 1]
    assert (trust.experiments_total, trust.goals_total, trust.measures_total) == (1, 1, 1)


def test_the_table_costs_a_fixed_number_of_queries(programme, django_assert_num_queries):
    programme, units, _factors, _e, _g = programme
    factor_table(programme, units)  # content types cached
    with django_assert_num_queries(4):
        factor_table(programme, units)
    ProgrammeFactor.objects.create(programme=programme, name="One more")
    with django_assert_num_queries(4):
        assert len(factor_table(programme, units)) == 5


def test_the_evidence_chain_runs_from_the_passage_to_the_measured_change(programme):
    programme, units, factors, experiment, goal = programme
    chains = {c.unit.name: c for c in evidence_chain(factors["Trust"], units)}
    alpha = chains["Alpha"]
    assert len(alpha.passages) == 2
    assert [e.experiment for e in alpha.experiments] == [experiment]
    assert [g.goal for g in alpha.goals] == [goal]
    (change,) = alpha.goals[0].changes
    assert change.code == "lonely"
    assert change.change.n_pairs == 4
    assert change.change.mean_difference == pytest.approx(-2.25)
    assert change.change.direction == "improved"  # lower is better
    assert [len(chains[n].passages) for n in ("Beta", "Gamma")] == [1, 1]
    assert chains["Gamma"].experiments == []  # the draft is its author's alone


def test_who_withdrew_consent_gives_no_evidence_and_is_counted(programme):
    """The author of Alpha's experiment (respondent "a") withdraws consent: their passage,
    experiment and values leave the chain and the table; the chain says one person."""
    from units.services import consent_record, consent_text_publish

    programme, units, factors, experiment, _goal = programme
    alpha = units[0]
    author = MembershipFactory(
        unit=alpha, user=experiment.author, role=Role.PROFESSIONAL, respondent_code="a"
    )
    text = consent_text_publish(unit=alpha, text_nl="Mag het?", text_en="May we?", by=author.user)
    consent_record(
        membership=author, decision="withdrawn", method="online", by=author.user, consent_text=text
    )
    chain = next(c for c in evidence_chain(factors["Trust"], units) if c.unit == alpha)
    assert (len(chain.passages), chain.experiments, chain.goals, chain.left_out) == (1, [], [], 1)
    trust = next(r for r in factor_table(programme, units) if r.factor.name == "Trust")
    assert [c["passages"] for c in trust.per_unit] == [1, 1, 1]
    assert (trust.experiments_total, trust.goals_total, trust.measures_total) == (0, 0, 0)


def test_an_override_needs_a_reason_and_is_shown_beside_the_coding(programme):
    programme, units, factors, _e, _g = programme
    researcher = UserFactory()
    with pytest.raises(ValidationError) as error:
        factor_override(
            factor=factors["Shared office"], occurrence=COMMON, reason="  ", actor=researcher
        )
    assert "override_reason" in error.value.error_dict
    factor_override(
        factor=factors["Shared office"],
        occurrence=COMMON,
        reason="Alpha has a shared office too; it was not discussed in the interviews.",
        actor=researcher,
    )
    row = next(r for r in factor_table(programme, units) if r.factor.name == "Shared office")
    assert (row.occurrence, row.computed, row.overridden) == (COMMON, SOME, True)
    factor_override(factor=factors["Shared office"], occurrence="", reason="", actor=researcher)
    row = next(r for r in factor_table(programme, units) if r.factor.name == "Shared office")
    assert (row.occurrence, row.factor.override_reason) == (SOME, "")


def test_the_database_refuses_an_override_without_a_reason(programme):
    _p, _u, factors, _e, _g = programme
    with pytest.raises(IntegrityError):
        ProgrammeFactor.objects.filter(pk=factors["Trust"].pk).update(override=CONTEXTUAL)


def test_themes_of_another_programme_cannot_be_linked(programme):
    programme, *_rest = programme
    elsewhere = ThemeFactory(unit=UnitFactory(programme=ProgrammeFactory()), name="Elsewhere")
    with pytest.raises(ValidationError):
        factor_create(programme=programme, name="Mixed", themes=[elsewhere])
    assert not ProgrammeFactor.objects.filter(name="Mixed").exists()


def test_factors_from_theme_names_link_only_names_in_two_units(db):
    programme = ProgrammeFactory()
    a, b = (UnitFactory(programme=programme) for _ in range(2))
    ThemeFactory(unit=a, name="Time to talk")
    ThemeFactory(unit=b, name="time to talk")
    ThemeFactory(unit=a, name="Only here")
    (made,) = factors_from_theme_names(programme=programme)
    assert made.name == "Time to talk"
    assert Theme.objects.filter(programme_factor=made).count() == 2
    assert factors_from_theme_names(programme=programme) == []


def test_pages_show_the_table_and_the_chain(programme, client_for):
    programme, units, factors, _e, _g = programme
    researcher = UserFactory()
    for u in units:
        MembershipFactory(unit=u, user=researcher, role=Role.RESEARCHER)
    client = client_for(researcher)
    response = client.get(reverse("research_programme:factors", kwargs={"slug": programme.slug}))
    assert response.status_code == 200
    assert [r.factor.name for r in response.context["rows"]] == [
        "Football club",
        "Shared office",
        "Trust",
        "Waiting lists",
    ]
    url = reverse(
        "research_programme:factor", kwargs={"slug": programme.slug, "pk": factors["Trust"].pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "Asking about the week" in response.content.decode()
    # An override without a reason: a clear message, nothing written.
    response = client.post(url, {"override": "contextual", "override_reason": ""})
    assert response.status_code == 400
    assert ProgrammeFactor.objects.get(pk=factors["Trust"].pk).override == ""


def test_the_comparison_and_final_reports_carry_the_factor_table(programme):
    from reports.presenting import factors_view
    from reports.snapshot import programme_snapshot, unit_snapshot

    programme, units, factors, _e, _g = programme
    factor_override(
        factor=factors["Shared office"], occurrence=COMMON, reason="Seen in Alpha too.", actor=None
    )
    snap = programme_snapshot(programme)
    rows = {f["name"]: f for f in factors_view(snap["factors"])}
    assert [c["passages"] for c in rows["Trust"]["cells"]] == [2, 1, 1]
    assert (rows["Trust"]["occurrence"], rows["Trust"]["experiments"]) == (COMMON, 1)
    office = rows["Shared office"]
    assert (office["occurrence"], office["computed"], office["overridden"]) == (COMMON, SOME, True)
    assert office["reason"] == "Seen in Alpha too."

    final = unit_snapshot(units[0], "final")
    mine = {f["name"]: f for f in factors_view(final["factors"], units[0].slug)}
    assert (mine["Trust"]["passages"], mine["Trust"]["n_evidenced"]) == (2, 3)
    assert (mine["Football club"]["occurrence"], mine["Football club"]["passages"]) == (
        CONTEXTUAL,
        1,
    )


def test_the_chain_page_costs_the_same_with_more_passages(programme, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme, units, factors, experiment, _g = programme
    researcher = UserFactory()
    for u in units:
        MembershipFactory(unit=u, user=researcher, role=Role.RESEARCHER)
    client = client_for(researcher)
    url = reverse(
        "research_programme:factor", kwargs={"slug": programme.slug, "pk": factors["Trust"].pk}
    )
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    trust = Theme.objects.get(unit=units[0], name="Trust")
    for _ in range(3):
        _code(units[0], trust, ExperimentFactory(unit=units[0], goal=experiment.goal))
        _code(units[1], Theme.objects.get(unit=units[1], name="trust"))
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)
