"""Helpers for the phases tests: give a unit what each phase's exit criteria ask for."""

import pytest

from phases import services
from phases.choices import KnowledgeSource
from units.models import Role

from ..factories import MembershipFactory


def satisfy_phase(unit, phase, actor):
    """Record what the exit criteria of ``phase`` ask for (this app's criteria only)."""
    if phase == 1:
        services.project_design_save(
            unit=unit,
            actor=actor,
            ambition="Loneliness recognised at the first home visit.",
            duration_months=18,
            research_design="Baseline, halfway and final loneliness scale (De Jong Gierveld).",
        )
    elif phase == 2:
        roles = set(unit.memberships.values_list("role", flat=True))
        if Role.FACILITATOR not in roles:
            MembershipFactory(unit=unit, role=Role.FACILITATOR)
        if Role.RESEARCHER not in roles:
            MembershipFactory(unit=unit, role=Role.RESEARCHER)
        while unit.memberships.exclude(role=Role.MANAGER).count() < 7:
            MembershipFactory(unit=unit, role=Role.PROFESSIONAL)
    elif phase == 3:
        for kind in ("strength", "improvement"):
            services.baseline_item_create(
                unit=unit,
                actor=actor,
                kind=kind,
                text=f"A {kind}",
                knowledge_source=KnowledgeSource.PROFESSIONAL,
            )
    elif phase == 4:
        goal = services.goal_create(unit=unit, text="Ask about loneliness in every first visit")
        services.action_step_create(goal=goal, what="Try the conversation guide", owner=actor)
        services.plan_approve(unit=unit, actor=actor)
    elif phase == 5:
        goal = unit.goals.first()
        services.action_step_create(goal=goal, what="Add a follow-up call", owner=actor)
        services.plan_approve(
            unit=unit, actor=actor, reason="The intermediary report showed few follow-ups."
        )
    elif phase == 6:
        services.product_create(unit=unit, actor=actor, kind="protocol", title="Protocol")


@pytest.fixture
def satisfy():
    return satisfy_phase


@pytest.fixture
def own_criteria_only(monkeypatch):
    """Only this app's criteria: other apps' (baseline wave, reports) are tested by them."""
    from phases import criteria

    own = {c: v for c, v in criteria._REGISTRY.items() if v.check.__module__ == criteria.__name__}
    monkeypatch.setattr(criteria, "_REGISTRY", own)
    return own
