"""The archive to deposit (issue 18): checksums verify, a tampered file fails, the data
package follows the Frictionless spec, and the data reproduce the report's statistics."""

import csv
import io
import json
import statistics
import tempfile
import zipfile
from pathlib import Path

import pyreadstat
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports.archive import build_archive, verify_archive
from reports.models import Report
from reports.services import report_render_now, report_request
from research.models import Observation
from tests.research.analysis_data import add_values, make_measure

TABLE_SCHEMA_TYPES = {
    "string", "number", "integer", "boolean", "object", "array", "date", "time",
    "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any",
}  # fmt: skip


@pytest.fixture
def report(unit, researcher):
    lonely = make_measure(unit, "lonely", label="Loneliness", higher_is_better=False)
    support = make_measure(unit, "support", type="yesno", label="Has support")
    add_values(unit, lonely, "baseline", {"a": 4, "b": 5, "c": 3, "d": 4})
    add_values(unit, lonely, "final", {"a": 2, "b": 3, "c": 3, "d": 2})
    add_values(unit, support, "baseline", {"a": 0, "b": 0, "c": 1, "d": 0})
    report = report_request(unit=unit, kind="final", language="en", actor=researcher)
    return report_render_now(report.pk)


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_every_file_is_in_the_manifest_with_its_checksum(report):
    data = build_archive(report)
    assert verify_archive(io.BytesIO(data)) == []
    with _open(data) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert sorted(f["path"] for f in manifest["files"]) == [
            "data/codebook.csv",
            "data/observations.csv",
            "data/observations.sav",
            "datapackage.json",
            "qualitative/passages.csv",
            "qualitative/themes.csv",
            "report.pdf",
            "snapshot.json",
        ]
        assert archive.read("report.pdf")[:5] == b"%PDF-"
        assert manifest["reproduces_report"] is True


def test_a_tampered_file_fails_and_the_command_says_so(report, tmp_path):
    data = build_archive(report)
    tampered = io.BytesIO()
    with _open(data) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "data/observations.csv":
                content = content.replace(b"lonely,2", b"lonely,1", 1)
            target.writestr(item.filename, content)
        target.writestr("extra.txt", b"not listed")
    assert verify_archive(io.BytesIO(tampered.getvalue())) == [
        "data/observations.csv: SHA-256 differs from the manifest",
        "extra.txt: not in the manifest",
    ]
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(data)
    bad.write_bytes(tampered.getvalue())
    out = io.StringIO()
    call_command("verify_archive", str(good), stdout=out)
    assert "every file matches its manifest" in out.getvalue()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_archive", str(bad), stderr=io.StringIO())


def test_the_data_package_follows_the_table_schema_spec(report):
    with _open(build_archive(report)) as archive:
        package = json.loads(archive.read("datapackage.json"))
        assert package["profile"] == "tabular-data-package"
        assert package["name"] == package["name"].lower()
        for resource in package["resources"]:
            assert resource["profile"] == "tabular-data-resource"
            fields = resource["schema"]["fields"]
            assert {f["type"] for f in fields} <= TABLE_SCHEMA_TYPES
            header = next(csv.reader(io.StringIO(archive.read(resource["path"]).decode())))
            assert header == [f["name"] for f in fields]  # the CSV has exactly these columns
        codebook = list(csv.DictReader(io.StringIO(archive.read("data/codebook.csv").decode())))
        assert [row["code"] for row in codebook] == ["lonely", "support"]


def test_the_data_reproduce_the_reports_statistics(report):
    with _open(build_archive(report)) as archive:
        snapshot = json.loads(archive.read("snapshot.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("data/observations.csv").decode())))
        sav = io.BytesIO(archive.read("data/observations.sav"))
    values = {}
    for row in rows:
        values.setdefault((row["measure"], row["wave"]), []).append(float(row["value"]))
    printed = {
        (m["code"], w["wave_code"]): w["stats"]
        for m in snapshot["statistics"]["measures"]
        for w in m["waves"]
        if w["stats"]["n"]
    }
    assert set(printed) == set(values)
    for key, stats in printed.items():
        assert stats["n"] == len(values[key])
        assert stats["mean"] == pytest.approx(statistics.mean(values[key]))
    assert printed[("lonely", "final")]["mean"] == pytest.approx(2.5)
    # The SPSS file has the same values, with labels.
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "o.sav"
        file.write_bytes(sav.getvalue())
        frame, meta = pyreadstat.read_sav(str(file))
    assert meta.column_names_to_labels["lonely"] == "Loneliness"
    assert meta.variable_value_labels["support"] == {0.0: "no", 1.0: "yes"}
    final = frame[frame["wave"] == "final"]["lonely"]
    assert final.mean() == pytest.approx(2.5)


def test_a_changed_value_after_the_report_is_said(report):
    Observation.objects.filter(respondent="a", wave__code="final").update(value_numeric=4)
    with _open(build_archive(report)) as archive:
        assert json.loads(archive.read("manifest.json"))["reproduces_report"] is False


def test_served_only_to_whoever_may_see_the_research(report, unit, client_for, member):
    url = reverse("reports:archive", kwargs={"slug": unit.slug, "pk": report.pk})
    assert client_for(member).get(url).status_code == 403
    researcher = unit.memberships.get(role="researcher").user
    response = client_for(researcher).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert verify_archive(io.BytesIO(response.content)) == []
    assert Report.objects.count() == 1
