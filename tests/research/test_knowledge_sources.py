"""Knowledge sources where knowledge is used, counted per phase, and goals linked to
measures (issue 18)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from phases import services as phase_services
from research.knowledge import knowledge_by_unit, knowledge_of_unit
from research.models import CodedFragment, GoalMeasure
from research.services.evidence import goal_measures_set
from tests.factories import (
    ActionStepFactory,
    BaselineItemFactory,
    ExperimentFactory,
    GoalFactory,
    MaterialFactory,
    UnitFactory,
)

from .analysis_data import make_measure


def _passage(unit, sources, reference=""):
    material = MaterialFactory(unit=unit)
    return CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(material),
        object_id=material.pk,
        start=0,
        end=7,
        text=material.text[:7],
        knowledge_sources=sources,
        knowledge_reference=reference,
    )


def _counts(rows):
    return {r.key: (r.total, r.cells, r.none, r.with_reference) for r in rows}


def test_counted_per_place_in_the_order_experiential_professional_scientific(unit):
    BaselineItemFactory(unit=unit, knowledge_source="experiential")
    BaselineItemFactory(unit=unit, knowledge_source="scientific", knowledge_reference="Trimbos")
    goal = GoalFactory(unit=unit, knowledge_sources=["professional", "scientific"])
    ActionStepFactory(goal=goal, knowledge_sources=[])
    ExperimentFactory(unit=unit, knowledge_sources=["experiential"], knowledge_reference="a carer")
    # A private draft is its author's alone: not counted.
    ExperimentFactory(unit=unit, knowledge_sources=["scientific"], visibility="draft")
    _passage(unit, ["experiential", "professional"])

    assert _counts(knowledge_of_unit(unit)) == {
        "baseline_items": (2, [1, 0, 1], 0, 1),
        "goals": (1, [0, 1, 1], 0, 0),
        "action_steps": (1, [0, 0, 0], 1, 0),
        "experiments": (1, [1, 0, 0], 0, 1),
        "passages": (1, [1, 1, 0], 0, 0),
    }


def test_several_units_in_a_fixed_number_of_queries(db, django_assert_num_queries):
    units = [UnitFactory() for _ in range(3)]
    for u in units:
        GoalFactory(unit=u, knowledge_sources=["scientific"])
        _passage(u, ["experiential"])
    # baseline items, goals, steps, experiments, passages; content types are cached
    ContentType.objects.clear_cache()
    knowledge_by_unit(units[:1])
    with django_assert_num_queries(5):
        tables = knowledge_by_unit(units)
    assert [_counts(tables[u.pk])["goals"] for u in units] == [(1, [0, 0, 1], 0, 0)] * 3
    assert [_counts(tables[u.pk])["passages"][1] for u in units] == [[1, 0, 0]] * 3


def test_an_unknown_knowledge_source_is_refused_not_dropped(unit):
    with pytest.raises(ValidationError) as error:
        phase_services.goal_create(
            unit=unit, text="Fewer lonely clients", knowledge_sources=["gut"]
        )
    assert "gut" in str(error.value)
    goal = phase_services.goal_create(
        unit=unit, text="Fewer lonely clients", knowledge_sources=["scientific", "experiential"]
    )
    assert goal.knowledge_sources == ["experiential", "scientific"]


def test_the_plan_form_records_sources_and_reference_of_a_step(unit, facilitator, client_for):
    goal = GoalFactory(unit=unit)
    response = client_for(facilitator).post(
        reverse("phases:step_create", kwargs={"slug": unit.slug, "goal_pk": goal.pk}),
        {
            "what": "Use the conversation guide",
            "status": "open",
            "knowledge_sources": ["professional", "scientific"],
            "knowledge_reference": "Handreiking eenzaamheid (Movisie 2023)",
        },
    )
    assert response.status_code == 302
    step = goal.steps.get()
    assert step.knowledge_sources == ["professional", "scientific"]
    assert step.knowledge_reference == "Handreiking eenzaamheid (Movisie 2023)"


def test_the_knowledge_page_shows_the_counts(unit, researcher, client_for):
    GoalFactory(unit=unit, knowledge_sources=["scientific"], knowledge_reference="RIVM")
    response = client_for(researcher).get(reverse("research:knowledge", kwargs={"slug": unit.slug}))
    assert response.status_code == 200
    goals_row = next(r for r in response.context["rows"] if r.key == "goals")
    assert (goals_row.total, goals_row.cells, goals_row.with_reference) == (1, [0, 0, 1], 1)
    assert response.context["totals"] == [0, 0, 1]


def test_a_goal_aims_at_measures_of_its_own_unit_only(unit, researcher, client_for):
    goal = GoalFactory(unit=unit)
    lonely = make_measure(unit, "lonely")
    other = make_measure(UnitFactory(), "lonely")
    with pytest.raises(ValidationError):
        goal_measures_set(goal=goal, measures=[lonely, other])
    assert not GoalMeasure.objects.exists()

    url = reverse("research:goal_measures", kwargs={"slug": unit.slug})
    response = client_for(researcher).post(url, {"goal": goal.pk, "measures": [lonely.pk]})
    assert response.status_code == 302
    assert list(GoalMeasure.objects.values_list("goal_id", "measure_id")) == [(goal.pk, lonely.pk)]
    # A measure of another unit is not among the choices: a clear error, nothing written.
    response = client_for(researcher).post(url, {"goal": goal.pk, "measures": [other.pk]})
    assert response.status_code == 400
    assert list(GoalMeasure.objects.values_list("measure_id", flat=True)) == [lonely.pk]


def test_the_final_report_snapshot_carries_the_knowledge_table(unit):
    from reports.presenting import knowledge_view
    from reports.snapshot import unit_snapshot

    ExperimentFactory(unit=unit, knowledge_sources=["experiential", "scientific"])
    snap = unit_snapshot(unit, "final")
    experiments = next(r for r in snap["knowledge"] if r["key"] == "experiments")
    assert experiments["sources"] == {"experiential": 1, "professional": 0, "scientific": 1}
    view = knowledge_view(snap["knowledge"])
    assert view["totals"] == [1, 0, 1]


def test_coding_a_passage_records_its_knowledge_sources(unit, researcher, client_for):
    material = MaterialFactory(unit=unit)
    url = reverse(
        "research:code_source",
        kwargs={"slug": unit.slug, "kind": "material", "pk": material.pk, "field": "text"},
    )
    response = client_for(researcher).post(
        url,
        {
            "passage": "Waiting lists remain a problem.",
            "new_themes": "Waiting",
            "knowledge_sources": ["experiential"],
            "knowledge_reference": "Client council",
        },
    )
    assert response.status_code == 302
    fragment = CodedFragment.objects.get(unit=unit)
    assert (fragment.knowledge_sources, fragment.knowledge_reference) == (
        ["experiential"],
        "Client council",
    )
