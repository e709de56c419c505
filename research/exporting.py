"""Exports of a unit's data, long (unit, respondent, wave, measure, value) or wide (a
row per respondent and wave, a column per measure), as CSV or Excel.

CSV comes in the reader's convention, so that their Excel opens it in columns:
Dutch is ``;`` with decimal commas, English ``,`` with decimal points (both UTF-8
with a BOM, added by the view). Numbers are written in their shortest exact form,
without thousands separators, so the importer reads them back to the same value.

Every text cell a spreadsheet would run as a formula (text starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``, as OWASP advises
for CSV injection, and so does a text starting with ``'`` itself; the importer takes
exactly that ``'`` off again (``research.importing.values.unneutralise``), so an
export imports again unchanged. The writers apply it to every text cell, so a new
column cannot miss it. Numbers are written as numbers and left alone.
"""

import csv
from itertools import groupby

from .importing.codebook import CODEBOOK_COLUMNS
from .importing.values import neutralise
from .models import Measure, Observation

DATA_HEADER = ["unit", "respondent", "wave", "measure", "value"]
LONG, WIDE = "long", "wide"


def neutralise_row(row) -> list:
    return [neutralise(cell) for cell in row]


def _number(value: float):
    return int(value) if value.is_integer() and abs(value) < 1e16 else value


def _values(unit, leave_out=frozenset()):
    observations = Observation.objects.filter(unit=unit)
    if leave_out:
        observations = observations.exclude(respondent__in=leave_out)
    rows = observations.order_by(
        "respondent", "wave__order", "wave__code", "measure__order", "measure__code"
    ).values_list("respondent", "wave__code", "measure_id", "value_numeric", "value_text")
    for respondent, wave, measure_id, number, text in rows.iterator(chunk_size=5000):
        yield respondent, wave, measure_id, (text if number is None else _number(number))


def _measures(unit):
    return list(Measure.objects.filter(unit=unit).order_by("order", "code"))


def data_rows(unit, leave_out=frozenset()):
    """The unit's values, one row per value, streamed from the database (raw: the
    writers neutralise every cell). ``leave_out``: respondent codes whose values are not
    written (people who declined or withdrew consent, for a report's archive)."""
    codes = {m.pk: m.code for m in _measures(unit)}
    for respondent, wave, measure_id, value in _values(unit, leave_out):
        yield [unit.slug, respondent, wave, codes[measure_id], value]


def wide_rows(unit, leave_out=frozenset()):
    """The header, then a row per respondent and wave with a column per measure."""
    measures = _measures(unit)
    column = {m.pk: i for i, m in enumerate(measures)}
    yield ["unit", "respondent", "wave", *(m.code for m in measures)]
    for (respondent, wave), values in groupby(_values(unit, leave_out), key=lambda v: (v[0], v[1])):
        cells = [None] * len(measures)
        for _respondent, _wave, measure_id, value in values:
            cells[column[measure_id]] = value
        yield [unit.slug, respondent, wave, *cells]


def rows(unit, shape: str = LONG, leave_out=frozenset()):
    if shape == WIDE:
        yield from wide_rows(unit, leave_out)
    else:
        yield DATA_HEADER
        yield from data_rows(unit, leave_out)


def codebook_rows(unit):
    for m in _measures(unit):
        yield [
            m.code,
            m.label,
            m.construct,
            m.type,
            None if m.min_value is None else _number(m.min_value),
            None if m.max_value is None else _number(m.max_value),
            "yes" if m.higher_is_better else "no",
            m.respondent,
            m.missing_codes,
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value, dutch: bool):
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if dutch else text
    return neutralise(value)


def csv_lines(unit, *, shape: str = LONG, dutch: bool = False):
    """The export as CSV lines (text; the caller adds a BOM for Excel if wanted)."""
    writer = csv.writer(_Echo(), delimiter=";" if dutch else ",")
    for row in rows(unit, shape):
        yield writer.writerow([_csv_cell(cell, dutch) for cell in row])


def write_csv(unit, out, *, shape: str = LONG, dutch: bool = False):
    """Write the CSV export to a text stream."""
    for line in csv_lines(unit, shape=shape, dutch=dutch):
        out.write(line)


def write_xlsx(unit, out, *, shape: str = LONG):
    """Write the xlsx export (data sheet, then the codebook) to a path or binary stream."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    for row in rows(unit, shape):
        data.append(neutralise_row(row))
    codebook = workbook.create_sheet("codebook")
    codebook.append(list(CODEBOOK_COLUMNS))
    for row in codebook_rows(unit):
        codebook.append(neutralise_row(row))
    workbook.save(out)


SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)


def spss_name(code: str) -> str:
    """A measure code as an SPSS variable name: starting with a letter, not a keyword."""
    if not code[:1].isalpha() or code.upper() in SPSS_RESERVED:
        return f"m_{code}"
    return code


def write_sav(unit, out, *, yes: str = "yes", no: str = "no", leave_out=frozenset()):
    """Write the wide export as an SPSS ``.sav`` (a row per respondent and wave) to a binary
    stream: measure labels as variable labels, ``yes``/``no`` as value labels of yes/no
    measures, likert and numeric measures as scale or ordinal variables."""
    import tempfile
    from pathlib import Path

    import pandas as pd
    import pyreadstat

    measures = _measures(unit)
    names = {m.pk: spss_name(m.code) for m in measures}
    table = wide_rows(unit, leave_out)
    next(table)  # the header: the measures, in this order
    columns = {"respondent": [], "wave": [], **{names[m.pk]: [] for m in measures}}
    for row in table:
        columns["respondent"].append(row[1])
        columns["wave"].append(row[2])
        for m, value in zip(measures, row[3:], strict=True):
            if m.type == "text":
                columns[names[m.pk]].append(value or "")
            else:
                columns[names[m.pk]].append(float("nan") if value is None else float(value))
    frame = pd.DataFrame(columns)
    labels = {"respondent": "respondent", "wave": "wave"}
    labels |= {names[m.pk]: m.label for m in measures}
    measure_levels = {names[m.pk]: _spss_level(m.type) for m in measures}
    measure_levels |= {"respondent": "nominal", "wave": "nominal"}
    value_labels = {names[m.pk]: {1.0: yes, 0.0: no} for m in measures if m.type == "yesno"}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure=measure_levels,
        )
        out.write(path.read_bytes())


def _spss_level(kind: str) -> str:
    return {"numeric": "scale", "likert": "ordinal", "yesno": "nominal"}.get(kind, "nominal")
