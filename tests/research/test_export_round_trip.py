"""Every export imports again unchanged: long and wide, Dutch and English CSV, Excel (to
Excel's 15 significant digits),
for every kind of measure (likert, numeric with any float, yes/no, text that looks like
a formula or starts with an apostrophe), respondent codes with accents."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research import exporting
from research.models import Measure, Observation
from research.services import observations_import
from research.services.waves import waves_ensure_defaults

from .import_helpers import make_codebook, problem_texts, values

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

respondent = st.from_regex(r"\A[\w.-]{1,12}\Z").filter(lambda c: c == c.strip())
text = (
    st.one_of(
        st.sampled_from(["=1+1", "'x", "''", "+31 6", "-", "@home", "Één café", "2.500", "a;b,c"]),
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
            min_size=1,
            max_size=20,
        ),
    )
    .map(str.strip)
    .filter(bool)
)
number = st.floats(min_value=-1000, max_value=100000, allow_nan=False)
row = st.fixed_dictionaries(
    {
        "ucla": st.one_of(st.none(), st.integers(1, 4).map(float)),
        "djg": st.one_of(st.none(), number),
        "net": st.one_of(st.none(), st.sampled_from([0.0, 1.0])),
        "note": st.one_of(st.none(), text),
    }
)
data = st.dictionaries(
    st.tuples(respondent, st.sampled_from(["baseline", "intermediary", "final"])),
    row,
    max_size=6,
)
FORMATS = [
    ("csv", "long", True),
    ("csv", "wide", True),
    ("csv", "long", False),
    ("csv", "wide", False),
    ("xlsx", "long", False),
    ("xlsx", "wide", False),
]


def _export(unit, kind, shape, dutch) -> tuple[bytes, str]:
    if kind == "xlsx":
        out = io.BytesIO()
        exporting.write_xlsx(unit, out, shape=shape)
        return out.getvalue(), "export.xlsx"
    body = "\ufeff" + "".join(exporting.csv_lines(unit, shape=shape, dutch=dutch))
    return body.encode("utf-8"), "export.csv"


@pytest.mark.parametrize(("kind", "shape", "dutch"), FORMATS)
@HYPOTHESIS
@given(rows=data)
def test_an_export_imports_again_unchanged(unit, kind, shape, dutch, rows):
    Measure.objects.filter(unit=unit).delete()
    measures = make_codebook(unit)
    Measure.objects.filter(pk=measures["djg"].pk).update(min_value=-1000, max_value=100000)
    waves = {w.code: w for w in waves_ensure_defaults(unit=unit)}
    seen = set()
    stored = []
    for (code, wave_code), cells in rows.items():
        if (code.casefold(), wave_code) in seen or any(
            c.casefold() == code.casefold() and c != code for c, _w in seen
        ):
            continue
        seen.add((code, wave_code))
        for measure_code, value in cells.items():
            if value is None:
                continue
            is_text = measure_code == "note"
            stored.append(
                Observation(
                    unit=unit,
                    measure=measures[measure_code],
                    wave=waves[wave_code],
                    respondent=code,
                    value_numeric=None if is_text else value,
                    value_text=value if is_text else "",
                )
            )
    seen = {c for c, _w in seen}
    if len({c.casefold() for c in seen}) != len(seen):
        return  # two spellings of one code: refused on import, by design
    Observation.objects.bulk_create(stored)
    before = values(unit)
    content, name = _export(unit, kind, shape, dutch)
    Observation.objects.filter(unit=unit).delete()
    result = observations_import(unit=unit, file=io.BytesIO(content), filename=name)
    if not before:
        return  # an empty export has no rows to import
    assert result.ok, problem_texts(result)
    if kind == "xlsx":
        # Excel keeps 15 significant digits of a number (openpyxl writes them so): the
        # workbook is exact to that, the CSV exports to the last bit.
        before = {
            k: pytest.approx(v, rel=1e-14) if isinstance(v, float) else v for k, v in before.items()
        }
    assert values(unit) == before
