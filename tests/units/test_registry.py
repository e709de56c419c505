"""units.registry: what the apps above units add to it (docs/architecture.md)."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from units import registry, services
from units.access import Perm


def test_the_unit_tabs_in_their_order_with_the_permission_each_needs():
    tabs = [(t.key, t.url_name, t.perm) for t in registry.tabs()]
    assert tabs == [
        ("overview", "units:detail", Perm.VIEW),
        ("sessions", "units:sessions", Perm.VIEW),
        ("members", "units:members", Perm.VIEW),
        ("phases", "phases:overview", Perm.VIEW),
        ("plan", "phases:plan", Perm.VIEW),
        ("experiments", "phases:experiments", Perm.VIEW),
        ("monitor", "phases:monitor", Perm.VIEW_RESEARCH),
        ("research", "research:overview", Perm.VIEW_RESEARCH),
        ("reports", "reports:list", Perm.VIEW),
    ]


def test_a_tab_needs_a_permission_from_units_access():
    with pytest.raises(TypeError):
        registry.register_tab(key="x", label="X", url_name="units:detail", order=1, perm="view")


def test_the_research_tab_only_for_those_who_may_see_research(client_for, unit, member, manager):
    research_url = reverse("research:overview", args=[unit.slug])
    page = client_for(member).get(reverse("units:detail", args=[unit.slug])).content.decode()
    assert research_url not in page
    assert reverse("reports:list", args=[unit.slug]) in page
    page = client_for(manager).get(reverse("units:detail", args=[unit.slug])).content.decode()
    assert f'href="{research_url}">Research</a>' in page


def test_a_tab_whose_url_does_not_reverse_fails_loudly(client_for, unit, member, monkeypatch):
    broken = registry.Tab(key="gone", label="Gone", url_name="gone:overview", order=99)
    monkeypatch.setitem(registry._TABS, "gone", broken)
    with pytest.raises(NoReverseMatch):
        client_for(member).get(reverse("units:detail", args=[unit.slug]))


def test_the_dashboard_asks_every_attention_source(unit, monkeypatch):
    from units.selectors import attention_for_units

    assert [s.key for s in registry.attention_sources()] == ["sessions", "phases", "monitor"]
    extra = registry.AttentionSource(
        key="extra", attention=lambda units: {u.pk: ["Look here"] for u in units}, order=99
    )
    monkeypatch.setitem(registry._ATTENTION, "extra", extra)
    assert attention_for_units([unit])[unit.pk][-1] == "Look here"


def test_demo_seeders_run_in_their_order(db, monkeypatch):
    assert [(s.key, s.order) for s in registry.demo_seeders()] == [
        ("units", 10),
        ("phases", 20),
        ("phases_monitor", 25),
        ("research", 30),
        ("reports", 40),
        ("notifications", 50),
    ]
    ran = []
    only_these = {
        key: registry.DemoSeeder(key=key, seed=lambda demo, k=key: ran.append(k), order=order)
        for key, order in [("b", 2), ("a", 1)]
    }
    monkeypatch.setattr(registry, "_SEEDERS", only_these)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ran == ["a", "b"]


def test_unit_created_hooks_run_with_the_new_unit(facilitator, monkeypatch):
    seen = []
    monkeypatch.setitem(registry._UNIT_CREATED, "test", lambda *, unit: seen.append(unit.slug))
    unit = services.unit_create(
        creator=facilitator,
        name="Hooked",
        theme="t",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 6, 1),
        cadence_weeks=6,
    )
    assert seen == [unit.slug]
