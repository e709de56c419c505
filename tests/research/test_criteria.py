"""The phase 3 exit criterion research decides: the baseline wave has data."""

import pytest

from phases.criteria import criteria_for_phase, get_criterion

from .import_helpers import make_codebook, run_import

pytestmark = pytest.mark.django_db


def test_baseline_wave_criterion_is_registered_for_phase_3():
    assert "baseline_wave" in [c.code for c in criteria_for_phase(3)]


def test_met_only_when_the_baseline_wave_has_values(unit, django_assert_num_queries):
    check = get_criterion("baseline_wave").check
    make_codebook(unit)
    with django_assert_num_queries(1):
        assert check(unit) is False
    run_import(unit, "respondent,ucla\nR1,1\n", wave_code="final")
    assert check(unit) is False
    run_import(unit, "respondent,ucla\nR1,1\n", wave_code="baseline")
    assert check(unit) is True
