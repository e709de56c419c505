"""An archive a researcher can deposit (DANS, DataverseNL): one ZIP per report version.

Inside: the report's PDF; the data as a Frictionless tabular data package
(``datapackage.json`` with a Table Schema per file, ``data/observations.csv`` long and
``data/codebook.csv``); the same data as SPSS ``data/observations.sav`` (variable and value
labels); the coded passages and the themes as CSV (``qualitative/``); the report's snapshot
(``snapshot.json``: the figures as printed); and ``manifest.json`` with the SHA-256 and size
of every other file. ``manage.py verify_archive`` checks an archive against its manifest.
A comparison report's archive has the same files per unit, under ``units/<unit>/``.

The data are the data the report was made from: when a report version is rendered,
``data_copy_save`` keeps a gzip'd copy of each data file next to its PDF, and the archive
is built from that copy. Reports rendered before copies were kept have none: their
archive holds the data as they are today and its manifest says so (``data_from``).
The manifest says whether the data give the report's statistics (``reproduces_report``),
never hides that they do not.

People who declined or withdrew consent are left out, as in the report: their respondent
codes' values and the passages of their practice experiments (``left_out`` in the
manifest counts them, never says who).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass

from django.utils import timezone

MANIFEST = "manifest.json"
ARCHIVE_VERSION = 2
COPY_META = "copy.json"
DATA_FROM_REPORT = "report"
DATA_FROM_TODAY = "today"

OBSERVATION_FIELDS = [
    {"name": "unit", "type": "string", "description": "The unit's short name."},
    {"name": "respondent", "type": "string", "description": "Pseudonymous respondent code."},
    {"name": "wave", "type": "string", "description": "Wave code (see the report)."},
    {"name": "measure", "type": "string", "description": "Measure code (codebook.csv)."},
    {
        "name": "value",
        "type": "any",
        "description": "A number (yes/no as 1/0) or, for text measures, text. A text that "
        "would start a spreadsheet formula has a leading apostrophe.",
    },
]
CODEBOOK_FIELDS = [
    {"name": "code", "type": "string"},
    {"name": "label", "type": "string"},
    {"name": "construct", "type": "string"},
    {
        "name": "type",
        "type": "string",
        "constraints": {"enum": ["numeric", "likert", "yesno", "text"]},
    },
    {"name": "min", "type": "number"},
    {"name": "max", "type": "number"},
    {"name": "higher_is_better", "type": "string", "constraints": {"enum": ["yes", "no"]}},
    {"name": "respondent", "type": "string"},
    {"name": "missing_codes", "type": "string"},
]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class LeftOut:
    """Whose data a report leaves out for want of consent (units.consent)."""

    user_ids: frozenset[int]
    codes: frozenset[str]

    @classmethod
    def of(cls, unit) -> LeftOut:
        from units.consent import left_out_respondent_codes, left_out_user_ids

        return cls(frozenset(left_out_user_ids(unit)), frozenset(left_out_respondent_codes(unit)))

    def counts(self) -> dict:
        return {"people": len(self.user_ids), "respondent_codes": len(self.codes)}


def _observations_csv(unit, left_out: LeftOut) -> bytes:
    from research.exporting import rows
    from research.importing.values import neutralise

    return _csv(
        [neutralise(c) if isinstance(c, str) else c for c in row]
        for row in rows(unit, leave_out=left_out.codes)
    )


def _codebook_csv(unit) -> bytes:
    from research.exporting import codebook_rows
    from research.importing.values import neutralise

    header = [f["name"] for f in CODEBOOK_FIELDS]
    body = (
        [neutralise(c) if isinstance(c, str) else c for c in row] for row in codebook_rows(unit)
    )
    return _csv([header, *body])


def _sav(unit, left_out: LeftOut) -> bytes:
    from research.exporting import write_sav

    out = io.BytesIO()
    write_sav(unit, out, leave_out=left_out.codes)
    return out.getvalue()


def _passages_csv(unit, left_out: LeftOut) -> bytes:
    from django.contrib.contenttypes.models import ContentType

    from phases.models import Experiment
    from research.importing.values import neutralise
    from research.selectors import fragments_for_export

    experiment_type = ContentType.objects.get_for_model(Experiment)
    withheld = set()
    if left_out.user_ids:
        withheld = set(
            Experiment.objects.filter(unit=unit, author_id__in=left_out.user_ids).values_list(
                "pk", flat=True
            )
        )
    header = ["passage", "source", "source_title", "field", "themes", "knowledge_sources", "text"]
    body = [
        [
            f.pk,
            str(f.source_kind),
            neutralise(str(f.source_title)),
            f.source_field,
            neutralise("; ".join(t.name for t in f.themes.all())),
            "; ".join(f.knowledge_sources or []),
            neutralise(f.text),
        ]
        for f in fragments_for_export(unit)
        if not (f.content_type_id == experiment_type.pk and f.object_id in withheld)
    ]
    return _csv([header, *body])


def _themes_csv(unit) -> bytes:
    from django.db.models import Q

    from research.importing.values import neutralise
    from research.models import Theme

    header = ["theme", "level", "factor_marked", "programme_factor", "description"]
    body = [
        [
            neutralise(t.name),
            "programme" if t.programme_id else "unit",
            t.factor,
            neutralise(t.programme_factor.name) if t.programme_factor_id else "",
            neutralise(t.description),
        ]
        for t in Theme.objects.filter(Q(unit=unit) | Q(programme__units=unit))
        .select_related("programme_factor")
        .distinct()
        .order_by("name")
    ]
    return _csv([header, *body])


def unit_data_files(unit, left_out: LeftOut | None = None) -> dict[str, bytes]:
    """The data files of one unit (paths as in a unit archive), without the people
    ``left_out`` (by default: whoever declined or withdrew consent now)."""
    left_out = left_out or LeftOut.of(unit)
    return {
        "data/observations.csv": _observations_csv(unit, left_out),
        "data/codebook.csv": _codebook_csv(unit),
        "data/observations.sav": _sav(unit, left_out),
        "qualitative/passages.csv": _passages_csv(unit, left_out),
        "qualitative/themes.csv": _themes_csv(unit),
    }


def _units_of(report) -> list:
    if report.unit_id:
        return [report.unit]
    return list(report.programme.units.order_by("name"))


def _prefix(report, unit) -> str:
    return "" if report.unit_id else f"units/{unit.slug}/"


def report_data_files(report) -> tuple[dict[str, bytes], dict[str, dict]]:
    """Today's data files of the report's unit (or of each unit of a comparison, under
    ``units/<unit>/``), and how many were left out per unit slug."""
    files, left_out = {}, {}
    for unit in _units_of(report):
        people = LeftOut.of(unit)
        left_out[unit.slug] = people.counts()
        for path, data in unit_data_files(unit, people).items():
            files[_prefix(report, unit) + path] = data
    return files, left_out


# --- The copy kept with a report version --------------------------------------------------


def _copy_dir(report) -> str:
    # By the report's id alone: a unit's slug may change, its reports stay.
    return f"reports/data/report-{report.pk}"


def data_copy_save(report, snapshot: dict) -> None:
    """Keep the data ``snapshot`` is made from with the report version: each file gzip'd
    in the report's private storage, and ``copy.json`` saying which snapshot they belong
    to and how many people were left out. Called right after the snapshot is taken."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    files, left_out = report_data_files(report)
    directory = _copy_dir(report)
    stored = {}
    for path, data in files.items():
        name = f"{directory}/{path}.gz"
        if default_storage.exists(name):
            default_storage.delete(name)  # a retry's copy replaces the failed attempt's
        stored[path] = default_storage.save(name, ContentFile(gzip.compress(data, mtime=0)))
    meta = {
        "report": report.pk,
        "snapshot_taken_at": snapshot.get("taken_at"),
        "files": stored,
        "left_out": left_out,
    }
    meta_name = f"{directory}/{COPY_META}"
    if default_storage.exists(meta_name):
        default_storage.delete(meta_name)
    default_storage.save(meta_name, ContentFile(json.dumps(meta).encode("utf-8")))


def _copy_meta(report) -> dict | None:
    from django.core.files.storage import default_storage

    name = f"{_copy_dir(report)}/{COPY_META}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        meta = json.loads(handle.read())
    # A copy belongs to exactly this snapshot (never to an earlier report with this id).
    if meta.get("report") != report.pk or meta.get("snapshot_taken_at") != (
        report.snapshot or {}
    ).get("taken_at"):
        return None
    return meta


def data_copy(report) -> tuple[dict[str, bytes], dict[str, dict]] | None:
    """The data files kept when the report was rendered, and who was left out; None for
    a report rendered before copies were kept."""
    from django.core.files.storage import default_storage

    meta = _copy_meta(report)
    if meta is None:
        return None
    files = {}
    for path, name in meta["files"].items():
        with default_storage.open(name, "rb") as handle:
            files[path] = gzip.decompress(handle.read())
    return files, meta["left_out"]


def data_copy_names(report) -> list[str]:
    """The stored files of the copy kept with a report version."""
    meta = _copy_meta(report)
    names = list(meta["files"].values()) if meta else []
    return [*names, f"{_copy_dir(report)}/{COPY_META}"]


def data_copy_delete(report, names: list[str] | None = None) -> None:
    """Remove the copy kept with a report version (``names``: taken before the report
    was deleted, when its id is still known)."""
    from django.core.files.storage import default_storage

    for name in data_copy_names(report) if names is None else names:
        if default_storage.exists(name):
            default_storage.delete(name)


# --- The archive ---------------------------------------------------------------------


def _resources(prefix: str, name_prefix: str) -> list[dict]:
    return [
        {
            "name": f"{name_prefix}observations",
            "path": f"{prefix}data/observations.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": OBSERVATION_FIELDS, "missingValues": [""]},
        },
        {
            "name": f"{name_prefix}codebook",
            "path": f"{prefix}data/codebook.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": CODEBOOK_FIELDS,
                "missingValues": [""],
                "primaryKey": ["code"],
            },
        },
    ]


def _datapackage(report) -> bytes:
    owner = report.unit or report.programme
    resources = []
    for unit in _units_of(report):
        prefix = _prefix(report, unit)
        resources += _resources(prefix, f"{unit.slug.lower()}-" if prefix else "")
    package = {
        "profile": "tabular-data-package",
        "name": f"bpu-{owner.slug}-{report.kind}-v{report.version}".lower(),
        "title": f"{owner.name}: {report.get_kind_display()} v{report.version}",
        "created": timezone.now().isoformat(),
        "resources": resources,
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


def _printed_statistics(report) -> dict[str, dict]:
    """The statistics the report printed, per unit slug."""
    snapshot = report.snapshot or {}
    if report.unit_id:
        return {report.unit.slug: dict(snapshot.get("statistics") or {})}
    return {
        row["unit"]["slug"]: dict(row.get("statistics") or {}) for row in snapshot.get("units", [])
    }


def reproduces(unit, snapshot: dict, leave_out: frozenset[str] = frozenset()) -> bool:
    """Whether the unit's data now, without ``leave_out``, give exactly the statistics
    the report printed (``snapshot`` holds them under ``statistics``)."""
    from research.statistics import unit_statistics

    # Not from the cache: the archive vouches for the data as they are. When they were
    # computed is not a figure.
    now = json.loads(
        json.dumps(unit_statistics(unit, use_cache=False, leave_out=leave_out).to_dict())
    )
    printed = dict(snapshot.get("statistics") or {})
    now.pop("generated_at", None)
    printed.pop("generated_at", None)
    return now == printed


def reproduces_from_files(observations_csv: bytes, codebook_csv: bytes, printed: dict) -> bool:
    """Whether the values in ``observations_csv`` give the number of values and the mean
    the report printed for every measure (not text) in every wave, and no others."""
    text_measures = {
        row["code"]
        for row in csv.DictReader(io.StringIO(codebook_csv.decode("utf-8")))
        if row["type"] == "text"
    }
    values: dict[tuple[str, str], list[float]] = {}
    for row in csv.DictReader(io.StringIO(observations_csv.decode("utf-8"))):
        if row["measure"] in text_measures or row["value"] == "":
            continue
        values.setdefault((row["measure"], row["wave"]), []).append(float(row["value"]))
    expected = {
        (m["code"], w["wave_code"]): w["stats"]
        for m in printed.get("measures", [])
        if m["code"] not in text_measures
        for w in m["waves"]
        if w["stats"].get("n")
    }
    if set(expected) != set(values):
        return False
    for key, stats in expected.items():
        found = values[key]
        if stats["n"] != len(found):
            return False
        if stats.get("mean") is not None and not math.isclose(
            stats["mean"], sum(found) / len(found), rel_tol=1e-9, abs_tol=1e-12
        ):
            return False
    return True


def archive_contents(report) -> tuple[dict[str, bytes], dict]:
    """Every file of the archive but the manifest, by path, and what the manifest says
    about the data: where they come from, who was left out, whether they reproduce."""
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    copy = data_copy(report)
    printed = _printed_statistics(report)
    units = _units_of(report)
    if copy is not None:
        data_files, left_out = copy
        data_from = DATA_FROM_REPORT
        ok = all(
            reproduces_from_files(
                data_files.get(_prefix(report, u) + "data/observations.csv", b""),
                data_files.get(_prefix(report, u) + "data/codebook.csv", b""),
                printed.get(u.slug, {}),
            )
            for u in units
        )
    else:
        data_files, left_out = report_data_files(report)
        data_from = DATA_FROM_TODAY
        ok = all(
            reproduces(u, {"statistics": printed.get(u.slug, {})}, LeftOut.of(u).codes)
            for u in units
        )
    files = {
        "report.pdf": pdf,
        "datapackage.json": _datapackage(report),
        **data_files,
        "snapshot.json": json.dumps(report.snapshot, indent=1, ensure_ascii=False).encode("utf-8"),
    }
    about = {
        "data_from": data_from,
        "data_note": (
            "The data the report was made from, kept when it was rendered."
            if data_from == DATA_FROM_REPORT
            else "The data as they are today: this report was rendered before bpu kept a "
            "copy of its data. They may differ from the data the report was made from."
        ),
        "left_out": {
            "note": "People who declined or withdrew consent are left out, as in the report.",
            "units": left_out,
        },
        "reproduces_report": ok,
    }
    return files, about


def archive_files(report) -> dict[str, bytes]:
    """Every file of the archive but the manifest, by path."""
    return archive_contents(report)[0]


def build_archive(report) -> bytes:
    """The ZIP of a report version (see the module's docstring)."""
    files, about = archive_contents(report)
    owner = {"unit": report.unit.slug} if report.unit_id else {"programme": report.programme.slug}
    manifest = {
        "archive_version": ARCHIVE_VERSION,
        "made_at": timezone.now().isoformat(),
        "report": {
            **owner,
            "kind": report.kind,
            "version": report.version,
            "language": report.language,
            "snapshot_taken_at": (report.snapshot or {}).get("taken_at"),
        },
        **about,
        "algorithm": "sha256",
        "files": [
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in sorted(files.items())
        ],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return out.getvalue()


def verify_archive(source) -> list[str]:
    """What is wrong with an archive (a path or a binary file): an empty list when every
    file the manifest names is there with its size and SHA-256, and nothing else is."""
    problems = []
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"not a ZIP archive: {exc}"]
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return [f"{MANIFEST} is missing"]
        try:
            manifest = json.loads(archive.read(MANIFEST))
            listed = {f["path"]: f for f in manifest["files"]}
        except (ValueError, KeyError, TypeError) as exc:
            return [f"{MANIFEST} cannot be read: {exc}"]
        for path, entry in sorted(listed.items()):
            if path not in names:
                problems.append(f"{path}: missing")
                continue
            data = archive.read(path)
            if len(data) != entry.get("bytes"):
                problems.append(
                    f"{path}: {len(data)} bytes, the manifest says {entry.get('bytes')}"
                )
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                problems.append(f"{path}: SHA-256 differs from the manifest")
        for path in sorted(names - set(listed) - {MANIFEST}):
            problems.append(f"{path}: not in the manifest")
    return problems
