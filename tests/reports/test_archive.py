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
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reports.archive import build_archive, data_copy, data_copy_delete, verify_archive
from reports.models import Report
from reports.services import report_render_now, report_request
from research.models import CodedFragment, Observation
from tests.factories import (
    ExperimentFactory,
    MembershipFactory,
    ProgrammeFactory,
    ThemeFactory,
    UnitFactory,
    UserFactory,
)
from tests.research.analysis_data import add_values, make_measure
from units.models import Role
from units.services import consent_record, consent_text_publish

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


def _manifest_and_final_mean(data: bytes):
    with _open(data) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = csv.DictReader(io.StringIO(archive.read("data/observations.csv").decode()))
        final = [
            float(r["value"]) for r in rows if (r["measure"], r["wave"]) == ("lonely", "final")
        ]
    return manifest, statistics.mean(final)


def test_data_changed_after_the_report_the_archive_still_holds_the_reports_data(report):
    Observation.objects.filter(respondent="a", wave__code="final").update(value_numeric=4)
    Observation.objects.filter(respondent="d").delete()
    manifest, final_mean = _manifest_and_final_mean(build_archive(report))
    assert manifest["data_from"] == "report"
    assert manifest["reproduces_report"] is True
    assert final_mean == 2.5  # (2 + 3 + 3 + 2) / 4, as the report printed; today it is 10/3


def test_a_report_from_before_copies_were_kept_says_it_holds_todays_data(report):
    data_copy_delete(report)  # as a report rendered before this change
    manifest, _mean = _manifest_and_final_mean(build_archive(report))
    assert (manifest["data_from"], manifest["reproduces_report"]) == ("today", True)
    assert "today" in manifest["data_note"]
    Observation.objects.filter(respondent="a", wave__code="final").update(value_numeric=4)
    manifest, final_mean = _manifest_and_final_mean(build_archive(report))
    assert (manifest["data_from"], manifest["reproduces_report"]) == ("today", False)
    assert final_mean == 3.0  # (4 + 3 + 3 + 2) / 4: today's data, said to differ


def test_deleting_the_report_deletes_its_copy_of_the_data(
    report, django_capture_on_commit_callbacks
):
    assert data_copy(report) is not None
    directory = Path(settings.MEDIA_ROOT) / f"reports/data/report-{report.pk}"
    assert directory.exists() and any(directory.rglob("*.gz"))
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert not any(p.is_file() for p in directory.rglob("*"))


def test_who_withdrew_consent_is_left_out_and_counted(unit, researcher):
    lonely = make_measure(unit, "lonely", label="Loneliness", higher_is_better=False)
    add_values(unit, lonely, "baseline", {"a": 4, "b": 5, "c": 3})
    add_values(unit, lonely, "final", {"a": 1, "b": 3, "c": 3})
    carer = MembershipFactory(unit=unit, role=Role.FAMILY_CARER, respondent_code="a")
    experiment = ExperimentFactory(unit=unit, author=carer.user, learned="Aan tafel ging het.")
    passage = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(experiment),
        object_id=experiment.pk,
        source_field="learned",
        start=0,
        end=9,
        text="Aan tafel",
    )
    passage.themes.add(ThemeFactory(unit=unit, name="Trust"))
    text = consent_text_publish(unit=unit, text_nl="Mag het?", text_en="May we?", by=researcher)
    consent_record(
        membership=carer, decision="withdrawn", method="online", by=carer.user, consent_text=text
    )
    report = report_render_now(
        report_request(unit=unit, kind="final", language="en", actor=researcher).pk
    )
    with _open(build_archive(report)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("data/observations.csv").decode())))
        passages = archive.read("qualitative/passages.csv").decode()
    assert sorted({r["respondent"] for r in rows}) == ["b", "c"]
    assert "Aan tafel" not in passages
    assert manifest["left_out"]["units"] == {unit.slug: {"people": 1, "respondent_codes": 1}}
    assert manifest["reproduces_report"] is True
    # Without a copy (today's data), the same people are left out.
    data_copy_delete(report)
    with _open(build_archive(report)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("data/observations.csv").decode())))
    assert sorted({r["respondent"] for r in rows}) == ["b", "c"]
    assert (manifest["data_from"], manifest["reproduces_report"]) == ("today", True)


def test_a_comparison_report_has_an_archive_per_unit(db, client_for):
    programme = ProgrammeFactory()
    units = [UnitFactory(programme=programme, name=n) for n in ("Alpha", "Beta")]
    researcher = UserFactory()
    for u, values in zip(units, ({"a": 4, "b": 2}, {"x": 5, "y": 5, "z": 2}), strict=True):
        MembershipFactory(unit=u, user=researcher, role=Role.RESEARCHER)
        add_values(u, make_measure(u, "lonely", label="Loneliness"), "baseline", values)
    queued = report_request(programme=programme, kind="comparison", language="en", actor=researcher)
    report = report_render_now(queued.pk)
    Observation.objects.filter(unit=units[1], respondent="z").update(value_numeric=5)
    response = client_for(researcher).get(
        reverse("programme_reports:archive", kwargs={"slug": programme.slug, "pk": report.pk})
    )
    assert response.status_code == 200
    assert verify_archive(io.BytesIO(response.content)) == []
    with _open(response.content) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        package = json.loads(archive.read("datapackage.json"))
        beta = archive.read(f"units/{units[1].slug}/data/observations.csv").decode()
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        [
            "datapackage.json",
            "report.pdf",
            "snapshot.json",
            *(
                f"units/{u.slug}/{path}"
                for u in units
                for path in (
                    "data/codebook.csv",
                    "data/observations.csv",
                    "data/observations.sav",
                    "qualitative/passages.csv",
                    "qualitative/themes.csv",
                )
            ),
        ]
    )
    assert [r["path"] for r in package["resources"]] == [
        f"units/{u.slug}/data/{name}.csv" for u in units for name in ("observations", "codebook")
    ]
    assert manifest["report"]["programme"] == programme.slug
    assert (manifest["data_from"], manifest["reproduces_report"]) == ("report", True)
    assert "z,baseline,lonely,2" in beta  # the value the report was made from


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
