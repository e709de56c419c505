"""The importer on random input: never an unhandled exception, never a partial write."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.models import ImportBatch, Observation, ObservationChange

from .import_helpers import make_codebook, run_import

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cell = st.one_of(
    st.sampled_from(["", "1", "2", "4", "5", "0", "-1", "3,5", "2.5", "ja", "nee", "x", "1e3"]),
    st.sampled_from(["R1", "R2", "R 3", "a@b.nl", "=1+1", "baseline", "final", "t9"]),
    st.text(max_size=6),
)
header_name = st.sampled_from(
    ["respondent", "Respondent", "wave", "ucla", "djg", "net", "note", "measure", "value", "foo"]
    + [""]
)
separator = st.sampled_from([",", ";", "\t"])
encoding = st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])


@st.composite
def near_valid_csv(draw):
    sep = draw(separator)
    header = draw(st.lists(header_name, min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(cell, max_size=6), max_size=8))

    def line(cells):
        return sep.join(
            '"' + c.replace('"', '""') + '"' if sep in c or '"' in c else c for c in cells
        )

    text = "\n".join([line(header), *(line(r) for r in rows)])
    return text.encode(draw(encoding), errors="replace")


def _snapshot(unit):
    return (
        sorted(
            Observation.objects.filter(unit=unit).values_list(
                "respondent", "measure_id", "wave_id", "value_numeric", "value_text"
            )
        ),
        ObservationChange.objects.filter(unit=unit).count(),
        ImportBatch.objects.filter(unit=unit).count(),
    )


def _check(unit, content, name):
    before = _snapshot(unit)
    result = run_import(unit, content, name=name, wave_code="baseline")
    after = _snapshot(unit)
    if result.ok:
        # Everything the file holds was written; batch recorded.
        assert after[2] == before[2] + 1
        assert result.created + result.updated + result.unchanged == result.summary.values
    else:
        assert after == before, "a refused file changed the data"
        assert all(str(p) for p in result.problems)


@pytest.fixture
def seeded_unit(unit):
    make_codebook(unit)
    # Some data already there, so that a partial write would show.
    assert run_import(unit, "respondent,ucla,note\nR1,1,oud\nR2,2,b\n").ok
    return unit


@HYPOTHESIS
@given(content=st.binary(max_size=400), name=st.sampled_from(["data.csv", "data.xlsx", "x"]))
def test_random_bytes(seeded_unit, content, name):
    _check(seeded_unit, content, name)


@HYPOTHESIS
@given(content=near_valid_csv())
def test_random_near_valid_csv(seeded_unit, content):
    _check(seeded_unit, content, "data.csv")


@HYPOTHESIS
@given(
    content=st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
)
def test_random_zip_like_files(seeded_unit, content):
    _check(seeded_unit, content, "data.xlsx")
