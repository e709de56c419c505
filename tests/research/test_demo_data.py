"""The research part of seed_demo: codebook, dated waves, and data up to the unit's phase."""

import pytest
from django.db.models import Count

from research.demo_data import seed_data
from research.models import Measure, Observation, Wave
from units import demo as units_demo

pytestmark = pytest.mark.django_db


def test_demo_data_follows_the_phase_and_is_idempotent():
    demo = units_demo.Demo()
    units_demo.seed(demo)
    seed_data(demo)
    per_unit = {
        slug: dict(
            Observation.objects.filter(unit=unit)
            .values_list("wave__code")
            .annotate(n=Count("respondent", distinct=True))
        )
        for slug, unit in demo.units.items()
    }
    # Target phases: Eindhoven 5 (realization), Tilburg 3 (baseline), Utrecht 1.
    assert set(per_unit["eindhoven-ervaringsdeskundigheid"]) == {"baseline", "intermediary"}
    assert set(per_unit["tilburg-eenzaamheid"]) == {"baseline"}
    assert per_unit["utrecht-mantelzorg"] == {}
    assert per_unit["tilburg-eenzaamheid"]["baseline"] == 30
    for unit in demo.units.values():
        assert Measure.objects.filter(unit=unit).count() == 6
        assert not Wave.objects.filter(unit=unit, date__isnull=True).exists()

    before = Observation.objects.count()
    seed_data(demo)
    assert Observation.objects.count() == before
