"""Exports of a unit's data in long format (unit, respondent, wave, measure, value).

Every text cell a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'``, as
OWASP advises for CSV injection: values, respondent codes, and wave and
measure codes too (a code stored before codes were checked may start with
``-``). The writers apply it to every cell, so a new column cannot miss it.
Numbers are written as numbers and left alone.
"""

import csv

from .importing.codebook import CODEBOOK_COLUMNS
from .importing.values import neutralise
from .models import Measure, Observation

DATA_HEADER = ["unit", "respondent", "wave", "measure", "value"]


def neutralise_row(row) -> list:
    return [neutralise(cell) for cell in row]


def _number(value: float):
    return int(value) if value.is_integer() else value


def data_rows(unit):
    """The unit's values, one row per value, streamed from the database (raw: the
    writers neutralise every cell)."""
    rows = (
        Observation.objects.filter(unit=unit)
        .order_by("respondent", "wave__order", "wave__code", "measure__order", "measure__code")
        .values_list("respondent", "wave__code", "measure__code", "value_numeric", "value_text")
    )
    for respondent, wave, measure, number, text in rows.iterator(chunk_size=5000):
        value = text if number is None else _number(number)
        yield [unit.slug, respondent, wave, measure, value]


def codebook_rows(unit):
    for m in Measure.objects.filter(unit=unit).order_by("order", "code"):
        yield [
            m.code,
            m.label,
            m.construct,
            m.type,
            None if m.min_value is None else _number(m.min_value),
            None if m.max_value is None else _number(m.max_value),
            "yes" if m.higher_is_better else "no",
            m.respondent,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(unit):
    """The export as CSV lines (UTF-8 text; the caller adds a BOM for Excel if wanted)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(DATA_HEADER)
    for row in data_rows(unit):
        yield writer.writerow(neutralise_row(row))


def write_csv(unit, out):
    """Write the CSV export to a text stream."""
    for line in csv_lines(unit):
        out.write(line)


def write_xlsx(unit, out):
    """Write the xlsx export (data sheet, then the codebook) to a path or binary stream."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append(DATA_HEADER)
    for row in data_rows(unit):
        data.append(neutralise_row(row))
    codebook = workbook.create_sheet("codebook")
    codebook.append(list(CODEBOOK_COLUMNS))
    for row in codebook_rows(unit):
        codebook.append(neutralise_row(row))
    workbook.save(out)
