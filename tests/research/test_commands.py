"""The commands researchers script with: exit status, summary line, problems on stderr."""

import csv
import io

import pytest
from django.core.management import call_command, load_command_class
from openpyxl import load_workbook

from research.exporting import neutralise
from research.models import Measure, Observation

from .import_helpers import make_codebook, nothing_written, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """run_from_argv closes every connection when done; that would end the test's transaction."""
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)


def run(name, *args):
    """Run a command as ``manage.py`` would: returns (exit status, stdout, stderr)."""
    command = load_command_class("research", name)
    out, err = io.StringIO(), io.StringIO()
    command.stdout._out = out  # noqa: SLF001 - OutputWrapper has no public setter
    command.stderr._out = err  # noqa: SLF001
    status = 0
    try:
        command.run_from_argv(["manage.py", name, *args])
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_import_codebook(unit, tmp_path):
    path = write(tmp_path, "cb.csv", "code;label;type;min;max\nucla;UCLA;likert;1;4\n")
    status, out, err = run("import_codebook", unit.slug, path)
    assert (status, err) == (0, "")
    assert out == f"{unit.slug}: 1 measures added, 0 updated.\n"
    assert Measure.objects.filter(unit=unit, code="ucla").exists()


def test_import_codebook_with_problems(unit, tmp_path):
    path = write(tmp_path, "cb.csv", "code,label,type\nx,X,scale\n")
    status, out, err = run("import_codebook", unit.slug, path)
    assert status == 1 and out == ""
    assert "Line 2, column C (type): “scale” is not a type" in err
    assert not Measure.objects.exists()


def test_import_measures_success(unit, researcher, tmp_path):
    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla,djg\nR1,1,2\nR2,3,\n")
    status, out, err = run(
        "import_measures", unit.slug, path, "--wave", "baseline", "--as", researcher.email
    )
    assert (status, err) == (0, "")
    assert out == f"{unit.slug}: 2 rows read: added 3 values, replaced 0, 0 unchanged.\n"
    assert Observation.objects.filter(unit=unit).count() == 3


def test_import_measures_dry_run_writes_nothing(unit, researcher, tmp_path):
    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla\nR1,1\n")
    status, out, _ = run(
        "import_measures", unit.slug, path, "--wave", "final", "--dry-run", "--as", researcher.email
    )
    assert status == 0
    assert "would add 1 values" in out
    assert nothing_written(unit)


def test_import_measures_problems_go_to_stderr_with_exit_1(unit, researcher, tmp_path):
    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla,foo\nR1,9,1\nR1,1,1\n")
    status, out, err = run(
        "import_measures", unit.slug, path, "--wave", "baseline", "--as", researcher.email
    )
    assert status == 1 and out == ""
    lines = err.splitlines()
    assert (
        "Line 1, column C (foo): “foo” is not a measure code of this unit (see the codebook)."
        in lines
    )
    assert "Line 2, column B (ucla): 9 is above the maximum 4." in lines
    assert lines[-1].startswith("CommandError: 3 problem(s) in")
    assert nothing_written(unit)


def test_import_measures_unknown_unit_wave_and_file(unit, researcher, tmp_path):
    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla\nR1,1\n")
    status, _, err = run("import_measures", "no-such-unit", path, "--as", researcher.email)
    assert status == 1 and "There is no unit “no-such-unit”." in err
    status, _, err = run(
        "import_measures", unit.slug, path, "--wave", "t7", "--as", researcher.email
    )
    assert status == 1 and "The unit has no wave “t7”" in err
    status, _, err = run(
        "import_measures", unit.slug, str(tmp_path / "missing.csv"), "--as", researcher.email
    )
    assert status == 1 and "Cannot read" in err
    assert nothing_written(unit)


def test_import_measures_is_logged_in_the_name_of_the_person_given(unit, researcher, tmp_path):
    from units.models import AccessLog

    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla\nR1,1\nR2,3\n")
    status, _, err = run(
        "import_measures", unit.slug, path, "--wave", "baseline", "--as", researcher.email
    )
    assert (status, err) == (0, "")
    logged = AccessLog.objects.filter(unit=unit).order_by("respondent")
    assert [(e.user, e.action, e.respondent) for e in logged] == [
        (researcher, "created", "R1"),
        (researcher, "created", "R2"),
    ]


def test_import_measures_only_for_someone_who_manages_the_research(unit, member, tmp_path):
    make_codebook(unit)
    path = write(tmp_path, "data.csv", "respondent,ucla\nR1,1\n")
    status, _, err = run("import_measures", unit.slug, path, "--as", member.email)
    assert status == 1
    assert f"{member.email} does not manage the research of “{unit.slug}”." in err
    status, _, err = run("import_measures", unit.slug, path, "--as", "nobody@example.org")
    assert status == 1
    assert "There is no active account with the e-mail address “nobody@example.org”." in err
    assert nothing_written(unit)


def test_export_csv_long_format(unit, tmp_path):
    make_codebook(unit)
    run_import(unit, "respondent,ucla,djg,note\nR1,1,2.5,hallo\n")
    run_import(unit, "respondent,ucla\nR1,2\n", wave_code="final")
    output = tmp_path / "out.csv"
    status, _, _ = run("export_measures", unit.slug, "--output", str(output))
    assert status == 0
    rows = list(csv.reader(output.open(encoding="utf-8")))
    assert rows == [
        ["unit", "respondent", "wave", "measure", "value"],
        [unit.slug, "R1", "baseline", "ucla", "1"],
        [unit.slug, "R1", "baseline", "djg", "2.5"],
        [unit.slug, "R1", "baseline", "note", "hallo"],
        [unit.slug, "R1", "final", "ucla", "2"],
    ]


def test_export_to_stdout(unit):
    make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,1\n")
    out = io.StringIO()
    call_command("export_measures", unit.slug, stdout=out)
    assert out.getvalue().splitlines()[1] == f"{unit.slug},R1,baseline,ucla,1"


def test_export_xlsx_has_the_codebook_as_second_sheet(unit, tmp_path):
    make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,3\n")
    output = tmp_path / "out.xlsx"
    status, _, _ = run("export_measures", unit.slug, "--format", "xlsx", "--output", str(output))
    assert status == 0
    workbook = load_workbook(output)
    assert workbook.sheetnames == ["data", "codebook"]
    data = list(workbook["data"].values)
    assert data == [
        ("unit", "respondent", "wave", "measure", "value"),
        (unit.slug, "R1", "baseline", "ucla", 3),
    ]
    codebook = list(workbook["codebook"].values)
    assert codebook[0][:4] == ("code", "label", "construct", "type")
    assert codebook[1][:6] == ("ucla", "UCLA", None, "likert", 1, 4)


def test_the_exported_codebook_reads_back_in(unit, tmp_path):
    from research.services import codebook_import
    from tests.factories import UnitFactory

    make_codebook(unit)
    output = tmp_path / "out.xlsx"
    run("export_measures", unit.slug, "--format", "xlsx", "--output", str(output))
    workbook = load_workbook(output)
    del workbook["data"]
    workbook.save(output)
    other = UnitFactory()
    result = codebook_import(unit=other, file=str(output))
    assert result.ok and result.created == 4


# --- Formula neutralisation (OWASP CSV injection) -------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["gewoon", "1=1", "", 3, -2.5, None])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_exports_neutralise_text_values_and_respondent_codes(unit, tmp_path):
    make_codebook(unit)
    run_import(
        unit,
        'respondent,note\n-R1,"=HYPERLINK(""http://evil"")"\nR2,@SUM(A1)\nR3,+31\n',
    )
    output = tmp_path / "out.csv"
    run("export_measures", unit.slug, "--output", str(output))
    rows = list(csv.reader(output.open(encoding="utf-8")))[1:]
    assert [(r[1], r[4]) for r in rows] == [
        ("'-R1", '\'=HYPERLINK("http://evil")'),
        ("R2", "'@SUM(A1)"),
        ("R3", "'+31"),
    ]
    xlsx = tmp_path / "out.xlsx"
    run("export_measures", unit.slug, "--format", "xlsx", "--output", str(xlsx))
    cells = [row[4] for row in load_workbook(xlsx)["data"].values][1:]
    assert cells == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)", "'+31"]


def test_exports_neutralise_wave_and_measure_codes_too(unit, tmp_path):
    """Every text cell, codes included: a wave stored as ``-A1-B1`` before codes were checked."""
    from research.models import Measure, Wave

    make_codebook(unit)
    Wave.objects.create(unit=unit, code="-A1-B1", label="Old", order=9)
    Measure.objects.create(unit=unit, code="=cmd", label="@label", type="text", order=9)
    run_import(unit, "respondent,wave,measure,value\nR1,-A1-B1,=cmd,ok\n", wave_code=None)
    output = tmp_path / "out.csv"
    run("export_measures", unit.slug, "--output", str(output))
    rows = list(csv.reader(output.open(encoding="utf-8")))[1:]
    assert rows == [[unit.slug, "R1", "'-A1-B1", "'=cmd", "ok"]]
    xlsx = tmp_path / "out.xlsx"
    run("export_measures", unit.slug, "--format", "xlsx", "--output", str(xlsx))
    workbook = load_workbook(xlsx)
    assert list(workbook["data"].values)[1] == (unit.slug, "R1", "'-A1-B1", "'=cmd", "ok")
    codebook = {row[0]: row for row in list(workbook["codebook"].values)[1:]}
    assert codebook["'=cmd"][1] == "'@label"
