"""Dutch Excel files both ways: numbers with decimal commas and thousands dots, waar/onwaar,
missing codes, respondent codes in other capitals or with accents, Dutch codebook words,
formulas without a saved value, a chosen sheet, the preview, and exports in the reader's
convention."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from research import exporting
from research.importing.values import ValueProblem, parse_number
from research.models import ImportBatch, Measure, Respondent
from research.services import codebook_import

from .import_helpers import make_codebook, nothing_written, problem_texts, run_import, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(unit):
    made = make_codebook(unit)
    made["bedrag"] = Measure.objects.create(
        unit=unit,
        code="bedrag",
        label="Bedrag",
        type="numeric",
        min_value=0,
        max_value=100000,
        order=9,
    )
    return made


def _dutch(user):
    user.language = "nl"
    user.save()


# --- Numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("2.500", "comma", 2500.0),
        ("12.000", "comma", 12000.0),
        ("1.250,50", "comma", 1250.5),
        ("EUR 1.250,50", "comma", 1250.5),
        ("€ 2.500", "comma", 2500.0),
        ("2.500 €", "comma", 2500.0),
        ("-€ 5,25", "comma", -5.25),
        ("37,5", "comma", 37.5),
        ("2,500", "comma", 2.5),
        ("1.250.000", None, 1250000.0),
        ("1.250,50", None, 1250.5),
        ("1,250.50", None, 1250.5),
        ("2,5", None, 2.5),
        ("0.500", None, 0.5),
        ("2.5", None, 2.5),
        ("2,500", "point", 2500.0),
        ("2.500", "point", 2.5),
        ("1,5e-07", "comma", 1.5e-07),
    ],
)
def test_numbers_follow_the_files_convention(text, decimal, expected):
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2.500",
            "“2.500” can be read as 2.5 or as 2500; write it without the thousands separator "
            "(2500) or with a decimal comma.",
        ),
        (
            "12%",
            "“12%” has a percent sign: write the number without it, as the codebook's "
            "range says (for example 12 or 0,12).",
        ),
        ("1.25.0", "“1.25.0” is not a number."),
        ("$ 5", "“$ 5” is not a number."),
    ],
)
def test_numbers_that_read_two_ways_or_not_at_all_are_refused(text, message):
    with pytest.raises(ValueProblem) as refused:
        parse_number(text, None)
    assert str(refused.value) == message


def test_dutch_excel_csv_utf8_bom(unit, measures):
    content = (
        "\ufeffrespondent;bedrag;djg;net\r\n"
        "NB-001;2.500;7,5;WAAR\r\n"
        "NB-002;EUR 1.250,50;;ONWAAR\r\n"
    )
    result = run_import(unit, content.encode("utf-8"))
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("NB-001", "baseline", "bedrag"): 2500.0,
        ("NB-001", "baseline", "djg"): 7.5,
        ("NB-001", "baseline", "net"): 1.0,
        ("NB-002", "baseline", "bedrag"): 1250.5,
        ("NB-002", "baseline", "net"): 0.0,
    }


def test_dutch_excel_csv_cp1252(unit, measures):
    content = "respondent;bedrag;note\r\nZoë-1;12.000;café\r\n".encode("cp1252")
    result = run_import(unit, content)
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("Zoë-1", "baseline", "bedrag"): 12000.0,
        ("Zoë-1", "baseline", "note"): "café",
    }


def test_ambiguous_thousands_in_a_tab_file_are_refused_with_row_and_column(unit, measures):
    result = run_import(unit, "respondent\tbedrag\nR1\t2.500\n")
    assert problem_texts(result) == [
        "Line 2, column B (bedrag): “2.500” can be read as 2.5 or as 2500; write it without "
        "the thousands separator (2500) or with a decimal comma."
    ]
    assert nothing_written(unit)


def test_messages_print_decimal_commas_in_dutch(unit, measures):
    Measure.objects.filter(pk=measures["djg"].pk).update(max_value=37.5, min_value=0)
    with translation.override("nl"):
        result = run_import(unit, "respondent;djg\nR1;37,6\n")
        texts = problem_texts(result)
    assert len(texts) == 1
    assert "37,6" in texts[0] and "37,5" in texts[0] and "37.5" not in texts[0]


# --- Yes/no, missing codes, respondent codes ------------------------------------------------


def test_xlsx_waar_onwaar_and_a_formula_without_a_saved_value(unit, measures):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["respondent", "net", "djg"])
    sheet.append(["R1", "WAAR", 3])
    sheet.append(["R2", "onwaar", "=C2*2"])  # openpyxl saves no value with a formula
    out = io.BytesIO()
    workbook.save(out)
    result = run_import(unit, out.getvalue(), name="data.xlsx")
    assert problem_texts(result) == [
        "Line 3, column C (djg): A formula (=C2*2) without a saved value: open the file in "
        "Excel, save it, and upload it again."
    ]
    assert nothing_written(unit)


def test_declared_missing_codes_are_missing_values(unit, measures):
    Measure.objects.filter(pk=measures["djg"].pk).update(missing_codes="99; n.v.t.")
    result = run_import(unit, "respondent;djg\nR1;99\nR2;N.V.T.\nR3;4\n")
    assert result.ok, problem_texts(result)
    assert values(unit) == {("R3", "baseline", "djg"): 4.0}


def test_two_spellings_of_a_respondent_code_in_one_file_are_refused(unit, measures):
    result = run_import(
        unit, "respondent,wave,ucla\nnb-001,baseline,1\nNB-001,final,2\n", wave_code=None
    )
    assert problem_texts(result) == [
        "Line 3, column A (respondent): “NB-001” is written as “nb-001” on line 2; respondent "
        "codes do not depend on capitals, so use one spelling."
    ]


def test_a_stored_code_in_other_capitals_is_the_same_respondent(unit, measures):
    assert run_import(unit, "respondent,ucla\nNB-001,1\n").ok
    result = run_import(unit, "respondent,ucla\nnb-001,3\n")
    assert result.ok and result.updated == 1
    assert values(unit) == {("NB-001", "baseline", "ucla"): 3.0}


# --- Codebook --------------------------------------------------------------------------------


def test_dutch_codebook_words_and_a_range_as_entered(unit, researcher, client_for):
    content = (
        "code;omschrijving;type;min;max;respondent;ontbrekend\n"
        "uren;Uren;numeriek;0;37,5;mantelzorger;99\n"
        "toel;Toelichting;tekst;;;cliënt;\n"
        "hulp;Hulp;ja/nee;;;professional;n.v.t.\n"
    )
    result = codebook_import(unit=unit, file=io.BytesIO(content.encode()), filename="cb.csv")
    assert result.ok, [str(p) for p in result.problems]
    uren = Measure.objects.get(unit=unit, code="uren")
    assert (uren.type, uren.max_value, uren.respondent, uren.missing_codes) == (
        "numeric",
        37.5,
        Respondent.CARER,
        "99",
    )
    assert Measure.objects.get(unit=unit, code="toel").respondent == "client"
    assert Measure.objects.get(unit=unit, code="hulp").type == "yesno"
    client = client_for(researcher)
    page = client.get(reverse("research:codebook", args=[unit.slug])).content.decode()
    assert "0–37.5" in page
    _dutch(researcher)
    page = client.get(
        reverse("research:codebook", args=[unit.slug]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "0–37,5" in page and "Mantelzorger" in page


# --- A chosen sheet ----------------------------------------------------------------------------


def _two_sheets():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "toelichting"
    workbook.active.append(["Lees mij"])
    data = workbook.create_sheet("Data")
    data.append(["respondent", "ucla"])
    data.append(["R1", 2])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_chosen_sheet_is_read(unit, measures):
    from research.services import observations_import

    from .import_helpers import wave

    content = _two_sheets()
    result = observations_import(
        unit=unit, file=io.BytesIO(content), filename="d.xlsx", wave=wave(unit), sheet="data"
    )
    assert result.ok, problem_texts(result)
    assert values(unit) == {("R1", "baseline", "ucla"): 2.0}
    result = observations_import(
        unit=unit, file=io.BytesIO(content), filename="d.xlsx", wave=wave(unit), sheet="Blad1"
    )
    assert problem_texts(result) == [
        "The workbook has no sheet “Blad1”; its sheets are: toelichting, Data."
    ]


def test_the_preview_says_which_sheet_was_read(
    unit, researcher, client_for, measures, django_capture_on_commit_callbacks
):
    from .import_helpers import wave

    client = client_for(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("research:import", args=[unit.slug]),
            {
                "file": SimpleUploadedFile("d.xlsx", _two_sheets()),
                "wave": wave(unit).pk,
                "sheet": "DATA",
            },
        )
    batch = ImportBatch.objects.get(unit=unit, status="previewed")
    assert (batch.sheet, batch.preview["sheet"], batch.preview["sheets"]) == (
        "DATA",
        "Data",
        ["toelichting", "Data"],
    )
    page = client.get(response["Location"]).content.decode()
    assert "Read from the sheet “Data” (the workbook has: toelichting, Data)." in page


# --- Preview -------------------------------------------------------------------------------------


def _shown(line, respondent, measure, value, *, yesno=False):
    return {
        "line": line,
        "respondent": respondent,
        "wave": "baseline",
        "measure": measure,
        "value": value,
        "yesno": yesno,
    }


def test_preview_shows_the_wave_the_first_values_and_what_is_replaced(
    unit, researcher, client_for, measures, django_capture_on_commit_callbacks
):
    from .import_helpers import wave

    assert run_import(unit, "respondent,djg\nR1,1\n").ok
    _dutch(researcher)
    client = client_for(researcher)
    content = "respondent;djg;net;note\nR1;7,5;WAAR;Één café\nR2;2;onwaar;\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("research:import", args=[unit.slug]),
            {"file": SimpleUploadedFile("d.csv", content), "wave": wave(unit).pk},
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    batch = ImportBatch.objects.get(unit=unit, status="previewed")
    assert batch.preview == {
        "waves": [{"code": "baseline", "label": "Baseline", "default": True}],
        "first": [
            _shown(2, "R1", "djg", 7.5),
            _shown(2, "R1", "net", 1.0, yesno=True),
            _shown(2, "R1", "note", "Één café"),
            _shown(3, "R2", "djg", 2.0),
            _shown(3, "R2", "net", 0.0, yesno=True),
        ],
        "sheet": "",
        "sheets": [],
    }
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nulmeting (<code>baseline</code>)" in page
    assert "<td>7,5</td>" in page and "<td>Één café</td>" in page
    assert "<td>ja</td>" in page and "<td>nee</td>" in page
    assert '<th scope="col">Meetmoment</th>' in page
    assert "<td>1</td><td>→ 7,5</td>" in page
    researcher.language = "en"
    researcher.save()
    page = client.get(response["Location"]).content.decode()
    assert "<td>7.5</td>" in page and "Baseline (<code>baseline</code>)" in page


# --- Exports -----------------------------------------------------------------------------------


def test_dutch_csv_export_long_and_wide(unit, measures):
    assert run_import(unit, "respondent;djg;note;net\nR1;7,5;=1+1;ja\nR2;2;'x;\n").ok
    long = "".join(exporting.csv_lines(unit, dutch=True))
    assert long == (
        "unit;respondent;wave;measure;value\r\n"
        f"{unit.slug};R1;baseline;djg;7,5\r\n"
        f"{unit.slug};R1;baseline;net;1\r\n"
        f"{unit.slug};R1;baseline;note;'=1+1\r\n"
        f"{unit.slug};R2;baseline;djg;2\r\n"
        f"{unit.slug};R2;baseline;note;''x\r\n"
    )
    wide = "".join(exporting.csv_lines(unit, shape="wide"))
    assert wide == (
        "unit,respondent,wave,ucla,djg,net,note,bedrag\r\n"
        f"{unit.slug},R1,baseline,,7.5,1,'=1+1,\r\n"
        f"{unit.slug},R2,baseline,,2,,''x,\r\n"
    )


def test_export_view_follows_the_readers_language(unit, researcher, client_for, measures):
    assert run_import(unit, "respondent;djg\nR1;7,5\n").ok
    _dutch(researcher)
    client = client_for(researcher)
    path = reverse("research:export", args=[unit.slug])
    body = b"".join(client.get(path + "?format=csv", HTTP_ACCEPT_LANGUAGE="nl").streaming_content)
    assert (
        body.decode("utf-8")
        == f"\ufeffunit;respondent;wave;measure;value\r\n{unit.slug};R1;baseline;djg;7,5\r\n"
    )
    researcher.language = "en"
    researcher.save()
    body = b"".join(client.get(path + "?format=csv&shape=wide").streaming_content)
    assert body.decode("utf-8").splitlines()[1] == f"{unit.slug},R1,baseline,,7.5,,,"


# --- OpenDocument (.ods) -----------------------------------------------------------------------


def _ods(rows, *, sheets=("Blad1",)) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name in sheets:
        table = Table(name=name)
        for values_ in rows:
            row = TableRow()
            for value in values_:
                if isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                elif isinstance(value, float | int):
                    cell = TableCell(valuetype="float", value=str(value))
                elif isinstance(value, str) and value.startswith("of:="):
                    cell = TableCell(formula=value)
                elif value is None:
                    cell = TableCell(numbercolumnsrepeated=3)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def test_an_ods_file_is_read(unit, measures):
    content = _ods(
        [
            ["respondent", "djg", "net", "note", None],
            ["Zoë-1", 7.5, True, "café", None],
            ["R2", 2, False, None],
        ]
    )
    result = run_import(unit, content, name="data.ods")
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("Zoë-1", "baseline", "djg"): 7.5,
        ("Zoë-1", "baseline", "net"): 1.0,
        ("Zoë-1", "baseline", "note"): "café",
        ("R2", "baseline", "djg"): 2.0,
        ("R2", "baseline", "net"): 0.0,
    }


def test_an_ods_formula_without_a_value_and_a_missing_sheet(unit, measures):
    content = _ods([["respondent", "djg"], ["R1", "of:=[.B1]*2"]], sheets=("Blad1", "Gegevens"))
    result = run_import(unit, content, name="data.ods")
    assert problem_texts(result) == [
        "Line 2, column B (djg): A formula (=[.B1]*2) without a saved value: open the file in "
        "Excel, save it, and upload it again."
    ]
    from research.services import observations_import

    result = observations_import(
        unit=unit, file=io.BytesIO(content), filename="d.ods", sheet="data"
    )
    assert problem_texts(result) == [
        "The workbook has no sheet “data”; its sheets are: Blad1, Gegevens."
    ]


def test_an_ods_too_large_to_read_whole_is_refused(unit, measures, monkeypatch):
    from research.importing import tables

    monkeypatch.setattr(tables, "ODS_MAX_CONTENT_BYTES", 1024)
    content = _ods([["respondent", "note"]] + [[f"R{i}", "x" * 20] for i in range(100)])
    result = run_import(unit, content, name="data.ods")
    assert problem_texts(result) == [
        "This .ods file is too large to read here (its sheets unpack to more than 0 MB); save "
        "it as .xlsx or CSV and upload that."
    ]


def test_the_exported_codebook_sheet_imports_again(unit, measures):
    from tests.factories import UnitFactory

    Measure.objects.filter(pk=measures["djg"].pk).update(
        missing_codes="99; n.v.t.", respondent=Respondent.CARER, max_value=37.5
    )
    out = io.BytesIO()
    exporting.write_xlsx(unit, out)
    other = UnitFactory()
    result = codebook_import(
        unit=other, file=io.BytesIO(out.getvalue()), filename="e.xlsx", sheet="codebook"
    )
    assert result.ok, [str(p) for p in result.problems]
    fields = ("code", "label", "type", "min_value", "max_value", "respondent", "missing_codes")
    assert list(Measure.objects.filter(unit=other).order_by("order").values_list(*fields)) == list(
        Measure.objects.filter(unit=unit).order_by("order").values_list(*fields)
    )


def test_spss_export_has_variable_and_value_labels(unit, researcher, client_for, measures):
    import tempfile

    import pyreadstat

    assert run_import(unit, "respondent;djg;net;note\nZoë-1;7,5;ja;café\nR2;;nee;\n").ok
    _dutch(researcher)
    client = client_for(researcher)
    response = client.get(reverse("research:export", args=[unit.slug]) + "?format=sav")
    assert response["Content-Type"] == "application/x-spss-sav"
    with tempfile.NamedTemporaryFile(suffix=".sav") as file:
        file.write(response.content)
        file.flush()
        frame, meta = pyreadstat.read_sav(file.name)
    assert list(frame.columns) == ["respondent", "wave", "ucla", "djg", "net", "note", "bedrag"]
    assert frame["respondent"].tolist() == ["R2", "Zoë-1"]
    assert frame["djg"].tolist()[1] == 7.5
    assert frame["net"].tolist() == [0.0, 1.0]
    assert frame["note"].tolist() == ["", "café"]
    assert meta.column_names_to_labels["djg"] == "DJG"
    assert meta.variable_value_labels["net"] == {0.0: "nee", 1.0: "ja"}
    assert meta.variable_measure["djg"] == "scale"


def test_a_worker_writes_the_problems_in_the_uploaders_language(unit, researcher, measures):
    from research.services.import_batches import import_batch_process, import_batch_upload

    from .import_helpers import wave

    _dutch(researcher)
    Measure.objects.filter(pk=measures["djg"].pk).update(min_value=0, max_value=37.5)
    with translation.override("en"):  # as a worker without a language of its own
        batch = import_batch_upload(
            unit=unit,
            upload=SimpleUploadedFile("d.csv", b"respondent;djg\nR1;37,6\n"),
            wave=wave(unit),
            actor=researcher,
        )
        import_batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.problems == [[2, "B (djg)", "37,6 ligt boven het maximum 37,5."]]
