"""Every unit has its three default waves from the moment it is created."""

from datetime import date
from importlib import import_module

from django.apps import apps
from django.urls import reverse

from research.models import Wave
from tests.factories import UnitFactory
from units import services


def _codes(unit):
    return list(Wave.objects.filter(unit=unit).order_by("order").values_list("code", flat=True))


def test_a_new_unit_has_its_default_waves(facilitator):
    unit = services.unit_create(
        creator=facilitator,
        name="With waves",
        theme="t",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 6, 1),
        cadence_weeks=6,
    )
    assert _codes(unit) == ["baseline", "intermediary", "final"]
    assert [w.label for w in Wave.objects.filter(unit=unit).order_by("order")] == [
        "Baseline",
        "Intermediary",
        "Final",
    ]


def test_a_unit_created_through_the_form_has_them_too(client_for, facilitator):
    response = client_for(facilitator).post(
        reverse("units:create"),
        {
            "name": "Through the form",
            "theme": "t",
            "planned_start": "2026-01-01",
            "planned_end": "2027-06-01",
            "cadence_weeks": 6,
            "reminder_days_before": 2,
        },
    )
    assert response.status_code == 302
    assert Wave.objects.filter(unit__name="Through the form").count() == 3


def test_the_migration_gives_units_without_waves_theirs_and_leaves_others_alone(db):
    migration = import_module("research.migrations.0005_default_waves_for_every_unit")
    bare, with_own = UnitFactory(), UnitFactory()
    Wave.objects.create(unit=with_own, code="t0", label="Start", order=1)
    migration.create_default_waves(apps, None)
    assert _codes(bare) == ["baseline", "intermediary", "final"]
    assert _codes(with_own) == ["t0"]
