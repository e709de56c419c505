"""Reading a unit's numbers for its statistics: the same arrays, and so the same
statistics to the last bit, whether PostgreSQL's reader or the generic one reads them."""

import numpy as np
import pytest
from django.db import connection

from research.models import Observation
from research.selectors import unit_waves
from research.statistics import reading, unit_statistics
from research.statistics.reading import read_numbers, read_numbers_generic, respondent_rows

from .analysis_data import add_values, make_measure

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's own reader: run by CI's PostgreSQL stage, against the generic one",
)


def test_respondents_get_rows_in_the_order_of_their_codes():
    baseline = ["c", "a", "b"]
    final = ["b", "d", "a"]

    rows, respondents = respondent_rows([baseline, final, baseline])

    assert respondents == ["a", "b", "c", "d"]
    assert [r.tolist() for r in rows] == [[2, 0, 1], [1, 3, 0], [2, 0, 1]]


def test_no_respondents_no_rows():
    assert respondent_rows([]) == ([], [])


def _sample(unit):
    """Values with missing ones, awkward fractions, a yes/no, a text measure whose
    respondent "t" has no number, and a respondent who is left out ("gone")."""
    well = make_measure(unit, "wellbeing", type="numeric", minimum=None, maximum=None)
    add_values(unit, well, "baseline", {"b": 0.1, "a": 1 / 3, "c": -2.5e-7, "gone": 9})
    add_values(unit, well, "final", {"a": 0.2, "c": 1e12, "d": 7, "b": None, "gone": 1})
    lonely = make_measure(unit, "lonely")
    add_values(unit, lonely, "baseline", {"a": 1, "b": 2, "c": 3, "d": 4})
    add_values(unit, lonely, "intermediary", {"d": 5, "a": 2})
    add_values(unit, lonely, "final", {"c": 2, "b": 3, "a": 4, "d": 3})
    network = make_measure(unit, "network", type="yesno")
    add_values(unit, network, "baseline", {"a": 0, "b": 1, "c": 0, "d": 0})
    add_values(unit, network, "final", {"a": 1, "b": 1, "c": 1, "d": 0})
    remarks = make_measure(unit, "remarks", type="text")
    add_values(unit, remarks, "final", {"a": "fine", "t": "better"})
    return well, lonely


@pytest.mark.django_db
def test_the_numbers_with_their_measure_wave_and_respondent(unit):
    well, lonely = _sample(unit)

    numbers = read_numbers(
        Observation.objects.filter(unit=unit, measure=well).exclude(respondent="gone"),
        unit_waves(unit),
    )

    assert numbers.respondents == ["a", "b", "c", "d"]
    found = sorted(
        zip(
            numbers.measure_ids.tolist(),
            numbers.wave_positions.tolist(),
            numbers.rows.tolist(),
            numbers.values.tolist(),
            strict=True,
        )
    )
    assert found == [
        (well.pk, 0, 0, 1 / 3),
        (well.pk, 0, 1, 0.1),
        (well.pk, 0, 2, -2.5e-7),
        (well.pk, 2, 0, 0.2),
        (well.pk, 2, 2, 1e12),
        (well.pk, 2, 3, 7.0),
    ]


def _without_time(stats):
    data = stats.to_dict()
    del data["generated_at"]
    return data


@postgresql_only
@pytest.mark.django_db
def test_postgresql_and_the_generic_reader_give_the_same_statistics(unit, monkeypatch):
    _sample(unit)
    leave_out = frozenset({"gone"})
    on_postgresql = unit_statistics(unit, use_cache=False, leave_out=leave_out)

    monkeypatch.setattr(reading, "read_numbers_postgresql", read_numbers_generic)
    generic = unit_statistics(unit, use_cache=False, leave_out=leave_out)

    assert on_postgresql.n_respondents == 5  # a, b, c, d and t (text only)
    assert _without_time(on_postgresql) == _without_time(generic)


@postgresql_only
@pytest.mark.django_db
def test_a_code_holding_the_separator_is_read_the_generic_way(unit):
    """No import lets a line break into a respondent code; written past it, the code is
    still one respondent."""
    measure = make_measure(unit, "lonely")
    add_values(unit, measure, "baseline", {"a\nb": 1, "c": 2})
    add_values(unit, measure, "final", {"a\nb": 3, "c": 3})

    numbers = read_numbers(Observation.objects.filter(unit=unit), unit_waves(unit))

    assert numbers.respondents == ["a\nb", "c"]
    assert np.array_equal(np.sort(numbers.values), [1.0, 2.0, 3.0, 3.0])
    assert unit_statistics(unit, use_cache=False).n_respondents == 2
