"""Importing data files: every accepted shape and encoding, every kind of bad file."""

import pytest

from research.models import ImportBatch, Observation, ObservationChange

from .import_helpers import (
    make_codebook,
    nothing_written,
    problem_texts,
    run_import,
    values,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(unit):
    return make_codebook(unit)


# --- Accepted files --------------------------------------------------------------


def test_wide_csv_utf8_comma(unit, measures):
    result = run_import(
        unit,
        "respondent,ucla,djg,net,note\nR001,3,4.5,ja,Gaat goed\nR002,2,,nee,\n",
    )
    assert result.ok, problem_texts(result)
    assert result.summary.shape == "wide"
    assert result.created == 6
    assert values(unit) == {
        ("R001", "baseline", "ucla"): 3.0,
        ("R001", "baseline", "djg"): 4.5,
        ("R001", "baseline", "net"): 1.0,
        ("R001", "baseline", "note"): "Gaat goed",
        ("R002", "baseline", "ucla"): 2.0,
        ("R002", "baseline", "net"): 0.0,
    }
    batch = ImportBatch.objects.get(unit=unit)
    assert (batch.status, batch.rows, batch.values_created) == ("confirmed", 2, 6)


def test_empty_cell_is_missing_not_zero(unit, measures):
    result = run_import(unit, "respondent,ucla,djg\nR001,,\nR002,0x,\n".replace("0x", ""))
    assert result.ok
    assert not Observation.objects.filter(unit=unit).exists()


def test_utf8_with_bom_semicolon_and_decimal_comma(unit, measures):
    content = "\ufeffrespondent;ucla;djg;note\r\nR001;4;7,5;Één café\r\n".encode()
    result = run_import(unit, content)
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("R001", "baseline", "ucla"): 4.0,
        ("R001", "baseline", "djg"): 7.5,
        ("R001", "baseline", "note"): "Één café",
    }


def test_windows_1252_with_tabs(unit, measures):
    content = "respondent\tdjg\tnote\nR001\t3,25\tcafé – ‘goed’\n".encode("cp1252")
    result = run_import(unit, content)
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("R001", "baseline", "djg"): 3.25,
        ("R001", "baseline", "note"): "café – ‘goed’",
    }


def test_utf16_unicode_text_from_excel(unit, measures):
    content = "respondent\tdjg\tnote\r\nR001\t3,5\tÉén\r\n".encode("utf-16")
    result = run_import(unit, content, name="data.txt")
    assert result.ok, problem_texts(result)
    assert values(unit) == {("R001", "baseline", "djg"): 3.5, ("R001", "baseline", "note"): "Één"}


def test_headers_and_codes_are_case_insensitive(unit, measures):
    result = run_import(unit, "Respondent;UCLA;Net\nR001;1;Yes\n")
    assert result.ok, problem_texts(result)
    assert values(unit) == {("R001", "baseline", "ucla"): 1.0, ("R001", "baseline", "net"): 1.0}


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("ja", 1), ("JA", 1), ("yes", 1), ("1", 1), ("true", 1), ("nee", 0), ("no", 0), ("0", 0)]
    + [("False", 0)],
)
def test_yes_no_words(unit, measures, raw, stored):
    result = run_import(unit, f"respondent,net\nR1,{raw}\n")
    assert result.ok
    assert values(unit) == {("R1", "baseline", "net"): stored}


def test_long_format_with_waves_in_the_file(unit, measures):
    content = (
        "respondent,wave,measure,value\n"
        "R001,baseline,ucla,3\n"
        "R001,final,ucla,2\n"
        'R001,final,djg,"6,5"\n'
        "R002,baseline,note,prima\n"
        "R002,baseline,djg,\n"
    )
    result = run_import(unit, content, wave_code=None)
    assert result.ok, problem_texts(result)
    assert result.summary.shape == "long"
    assert values(unit) == {
        ("R001", "baseline", "ucla"): 3.0,
        ("R001", "final", "ucla"): 2.0,
        ("R001", "final", "djg"): 6.5,
        ("R002", "baseline", "note"): "prima",
    }


def test_wide_with_a_wave_column_overrides_the_form(unit, measures):
    content = "respondent,wave,ucla\nR001,baseline,3\nR001,final,2\nR002,,1\n"
    result = run_import(unit, content, wave_code="intermediary")
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("R001", "baseline", "ucla"): 3.0,
        ("R001", "final", "ucla"): 2.0,
        ("R002", "intermediary", "ucla"): 1.0,
    }


def test_xlsx_wide_first_sheet(unit, measures):
    content = xlsx_bytes(
        [["respondent", "ucla", "djg", "net", "note"], ["R001", 2, 3.5, True, "ok"], [7, 1, None]]
    )
    result = run_import(unit, content, name="data.xlsx")
    assert result.ok, problem_texts(result)
    assert values(unit) == {
        ("R001", "baseline", "ucla"): 2.0,
        ("R001", "baseline", "djg"): 3.5,
        ("R001", "baseline", "net"): 1.0,
        ("R001", "baseline", "note"): "ok",
        ("7", "baseline", "ucla"): 1.0,
    }


def test_xlsx_long(unit, measures):
    content = xlsx_bytes(
        [["Respondent", "Wave", "Measure", "Value"], ["R9", "final", "djg", "2,5"]]
    )
    result = run_import(unit, content, name="long.xlsx", wave_code=None)
    assert result.ok, problem_texts(result)
    assert values(unit) == {("R9", "final", "djg"): 2.5}


def test_blank_lines_are_skipped_and_lines_count_as_in_the_file(unit, measures):
    content = 'respondent,note,ucla\nR1,"two\nlines",1\n\nR2,x,9\n'
    result = run_import(unit, content)
    # The value 9 is on line 5 of the file (a quoted newline, then a blank line before it).
    assert problem_texts(result) == ["Line 5, column C (ucla): 9 is above the maximum 4."]


def test_dry_run_reports_and_writes_nothing(unit, measures):
    result = run_import(unit, "respondent,ucla\nR1,1\nR2,2\n", dry_run=True)
    assert result.ok and result.created == 2
    assert nothing_written(unit)
    assert not ImportBatch.objects.exists()


# --- Re-import: replace and keep history ----------------------------------------


def test_same_file_twice_leaves_the_same_data(unit, measures):
    content = "respondent,ucla,note\nR1,1,a\nR2,2,b\n"
    run_import(unit, content)
    before = values(unit)
    again = run_import(unit, content)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert values(unit) == before
    assert not ObservationChange.objects.exists()


def test_reimport_replaces_values_and_keeps_the_old_ones(unit, measures):
    run_import(unit, "respondent,ucla,note\nR1,1,oud\nR2,2,b\n")
    result = run_import(unit, "respondent,ucla,note\nR1,3,nieuw\nR2,2,b\n")
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 2, 2)
    assert values(unit)[("R1", "baseline", "ucla")] == 3.0
    assert values(unit)[("R1", "baseline", "note")] == "nieuw"
    changes = {
        (c.measure.code, c.old_numeric, c.old_text, c.new_numeric, c.new_text)
        for c in ObservationChange.objects.select_related("measure")
    }
    assert changes == {("ucla", 1.0, "", 3.0, ""), ("note", None, "oud", None, "nieuw")}
    latest = ImportBatch.objects.filter(unit=unit).first()
    assert set(ObservationChange.objects.values_list("batch", flat=True)) == {latest.pk}
    assert result.changes[0]["respondent"] == "R1"


def test_an_empty_cell_leaves_an_existing_value_alone(unit, measures):
    run_import(unit, "respondent,ucla\nR1,1\n")
    result = run_import(unit, "respondent,ucla\nR1,\n")
    assert result.ok
    assert values(unit) == {("R1", "baseline", "ucla"): 1.0}


# --- Bad files: every problem named with line and column; nothing written --------


def assert_refused(unit, result, *expected):
    texts = problem_texts(result)
    for text in expected:
        assert text in texts, texts
    assert nothing_written(unit)
    assert not ImportBatch.objects.filter(unit=unit).exists()


def test_out_of_range(unit, measures):
    result = run_import(unit, "respondent,ucla,djg\nR1,5,3\nR2,1,-1\n")
    assert_refused(
        unit,
        result,
        "Line 2, column B (ucla): 5 is above the maximum 4.",
        "Line 3, column C (djg): -1 is below the minimum 0.",
    )


def test_unknown_measure_column(unit, measures):
    result = run_import(unit, "respondent,ucla,eenzaamheid\nR1,1,2\n")
    assert_refused(
        unit,
        result,
        "Line 1, column C (eenzaamheid): “eenzaamheid” is not a measure code of this unit "
        "(see the codebook).",
    )


def test_unknown_measure_in_long_format(unit, measures):
    result = run_import(unit, "respondent,wave,measure,value\nR1,baseline,foo,1\n")
    assert_refused(
        unit,
        result,
        "Line 2, column C (measure): “foo” is not a measure code of this unit (see the codebook).",
    )


def test_duplicate_respondent_for_the_same_wave(unit, measures):
    result = run_import(unit, "respondent,ucla\nR1,1\nR2,2\nR1,3\n")
    assert_refused(
        unit,
        result,
        "Line 4, column A (respondent): Respondent “R1” appears twice for wave “baseline” "
        "(also on line 2).",
    )


def test_same_respondent_in_two_waves_is_fine(unit, measures):
    result = run_import(unit, "respondent,wave,ucla\nR1,baseline,1\nR1,final,2\n", wave_code=None)
    assert result.ok


def test_duplicate_in_long_format(unit, measures):
    result = run_import(
        unit, "respondent,wave,measure,value\nR1,final,ucla,1\nR1,final,ucla,2\n", wave_code=None
    )
    assert_refused(
        unit,
        result,
        "Line 3, column A (respondent): Respondent “R1” has a second value for “ucla” in wave "
        "“final” (also on line 2).",
    )


def test_text_in_a_numeric_column(unit, measures):
    result = run_import(unit, "respondent;djg;ucla\nR1;veel;2,5\n")
    assert_refused(
        unit,
        result,
        "Line 2, column B (djg): “veel” is not a number.",
        "Line 2, column C (ucla): “2,5” is not a whole number, which a likert scale needs.",
    )


def test_not_yes_or_no(unit, measures):
    result = run_import(unit, "respondent,net\nR1,misschien\n")
    assert_refused(
        unit,
        result,
        "Line 2, column B (net): “misschien” is not yes or no (use ja/nee, waar/onwaar, "
        "yes/no, 1/0 or true/false).",
    )


@pytest.mark.parametrize(
    "code",
    ["Jan Jansen", "jan@example.org", '=HYPERLINK("http://x")', "x" * 65, "R/1"],
)
def test_bad_respondent_codes(unit, measures, code):
    quoted = '"' + code.replace('"', '""') + '"'
    result = run_import(unit, f"respondent,ucla\nR0,1\n{quoted},1\n")
    texts = problem_texts(result)
    assert len(texts) == 1 and texts[0].startswith("Line 3, column A (respondent): “"), texts
    assert "is not a respondent code" in texts[0]
    assert nothing_written(unit)


def test_missing_respondent(unit, measures):
    result = run_import(unit, "respondent,ucla\n,1\n")
    assert_refused(unit, result, "Line 2, column A (respondent): The respondent code is missing.")


def test_no_respondent_column(unit, measures):
    result = run_import(unit, "ucla,djg\n1,2\n")
    assert nothing_written(unit)
    assert problem_texts(result)[0].startswith("Line 1: There is no “respondent” column")


def test_header_only(unit, measures):
    result = run_import(unit, "respondent,ucla\n")
    assert_refused(unit, result, "Line 2: The file has a header line but no data.")


def test_empty_file(unit, measures):
    assert_refused(unit, run_import(unit, b""), "Line 1: The file is empty.")
    assert_refused(unit, run_import(unit, b"\n\n  \n"), "Line 1: The file is empty.")


def test_binary_garbage(unit, measures):
    garbage = bytes(range(256)) * 20
    assert_refused(unit, run_import(unit, garbage), "This is not a CSV or Excel file we can read.")


def test_broken_xlsx_and_old_xls(unit, measures):
    assert_refused(
        unit,
        run_import(unit, b"PK\x03\x04broken", name="data.xlsx"),
        "This file is not a valid Excel (.xlsx) file.",
    )
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    result = run_import(unit, old, name="data.xls")
    assert nothing_written(unit)
    assert "old Excel file (.xls)" in problem_texts(result)[0]


def test_too_large(unit, measures, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = "respondent,ucla\n" + "R1,1\n" * 300_000
    assert_refused(
        unit,
        run_import(unit, content),
        "The file is too large (1.4 MB); the limit is 1 MB.",
    )


def test_no_wave_chosen_and_no_wave_column(unit, measures):
    result = run_import(unit, "respondent,ucla\nR1,1\n", wave_code=None)
    assert_refused(unit, result, "Line 1: No wave: choose one for the file or add a “wave” column.")


def test_unknown_wave_in_the_file(unit, measures):
    result = run_import(unit, "respondent,wave,ucla\nR1,t9,1\n", wave_code=None)
    assert_refused(unit, result, "Line 2, column B (wave): “t9” is not a wave of this unit.")


def test_duplicate_column(unit, measures):
    result = run_import(unit, "respondent,ucla,UCLA\nR1,1,2\n")
    assert_refused(
        unit,
        result,
        "Line 1, column C (UCLA): The column “UCLA” appears twice (also in column B).",
    )


def test_value_in_a_column_without_a_name(unit, measures):
    result = run_import(unit, "respondent,ucla\nR1,1,4\n")
    assert_refused(
        unit, result, "Line 2, column C: A value in a column without a name in the first line."
    )


def test_a_problem_at_the_end_of_a_long_file_writes_nothing(unit, measures):
    rows = "".join(f"R{i},{1 + i % 4},{i % 11}\n" for i in range(5000))
    result = run_import(unit, "respondent,ucla,djg\n" + rows + "R9999,1,12\n")
    assert_refused(unit, result, "Line 5002, column C (djg): 12 is above the maximum 11.")


def test_every_problem_is_reported_not_only_the_first(unit, measures):
    result = run_import(unit, "respondent,ucla\nR1,9\nR2,9\nR3,9\n")
    assert [p.line for p in result.problems] == [2, 3, 4]
    assert {p.column for p in result.problems} == {"B (ucla)"}


# --- Zip bombs: refused before any XML is parsed ------------------------------------


def _refused_within(unit, content, expected, *, peak_mb=50):
    import tracemalloc

    tracemalloc.start()
    try:
        result = run_import(unit, content, name="data.xlsx")
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem_texts(result) == [expected]
    assert nothing_written(unit)
    assert peak < peak_mb * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"


def test_a_workbook_that_unpacks_too_large_is_refused_unread(unit, measures, settings):
    from .import_helpers import xlsx_bomb

    content = xlsx_bomb(250 * 1024 * 1024)
    assert len(content) < settings.UPLOAD_MAX_BYTES / 20  # passes the upload limit easily
    _refused_within(
        unit,
        content,
        "The workbook unpacks to more than 200 MB; save it as CSV, or split it into smaller files.",
    )


def test_a_workbook_packed_absurdly_tightly_is_refused_unread(unit, measures):
    from .import_helpers import xlsx_bomb

    _refused_within(
        unit,
        xlsx_bomb(60 * 1024 * 1024),
        "The workbook is packed unusually tightly (xl/sharedStrings.xml unpacks to more than "
        "100 times its packed size); this is not an ordinary Excel file. Save it again "
        "from Excel, or as CSV.",
    )


def test_a_workbook_whose_header_lies_is_read_no_further_than_declared(unit, measures):
    from .import_helpers import xlsx_bomb

    _refused_within(
        unit,
        xlsx_bomb(60 * 1024 * 1024, declared_bytes=4096),
        "This file is not a valid Excel (.xlsx) file.",
    )


def test_a_codebook_workbook_bomb_is_refused_too(unit):
    import io

    from research.services import codebook_import

    from .import_helpers import xlsx_bomb

    result = codebook_import(
        unit=unit, file=io.BytesIO(xlsx_bomb(250 * 1024 * 1024)), filename="codebook.xlsx"
    )
    assert problem_texts(result) == [
        "The workbook unpacks to more than 200 MB; save it as CSV, or split it into smaller files."
    ]
