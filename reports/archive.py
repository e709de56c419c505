"""An archive a researcher can deposit (DANS, DataverseNL): one ZIP per unit report version.

Inside: the report's PDF; the data as a Frictionless tabular data package
(``datapackage.json`` with a Table Schema per file, ``data/observations.csv`` long and
``data/codebook.csv``); the same data as SPSS ``data/observations.sav`` (variable and value
labels); the coded passages and the themes as CSV (``qualitative/``); the report's snapshot
(``snapshot.json``: the figures as printed); and ``manifest.json`` with the SHA-256 and size
of every other file. ``manage.py verify_archive`` checks an archive against its manifest.

The data are the unit's data when the archive is made. The manifest says whether they
still give the report's statistics (``reproduces_report``): if values changed after the
report was made, that is said, never hidden.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile

from django.utils import timezone

MANIFEST = "manifest.json"
ARCHIVE_VERSION = 1

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


def _observations_csv(unit) -> bytes:
    from research.exporting import rows
    from research.importing.values import neutralise

    return _csv([neutralise(c) if isinstance(c, str) else c for c in row] for row in rows(unit))


def _codebook_csv(unit) -> bytes:
    from research.exporting import codebook_rows
    from research.importing.values import neutralise

    header = [f["name"] for f in CODEBOOK_FIELDS]
    body = (
        [neutralise(c) if isinstance(c, str) else c for c in row] for row in codebook_rows(unit)
    )
    return _csv([header, *body])


def _sav(unit) -> bytes:
    from research.exporting import write_sav

    out = io.BytesIO()
    write_sav(unit, out)
    return out.getvalue()


def _passages_csv(unit) -> bytes:
    from research.importing.values import neutralise
    from research.selectors import fragments_for_export

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


def _datapackage(unit, report) -> bytes:
    package = {
        "profile": "tabular-data-package",
        "name": f"bpu-{unit.slug}-{report.kind}-v{report.version}".lower(),
        "title": f"{unit.name}: {report.get_kind_display()} v{report.version}",
        "created": timezone.now().isoformat(),
        "resources": [
            {
                "name": "observations",
                "path": "data/observations.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": OBSERVATION_FIELDS, "missingValues": [""]},
            },
            {
                "name": "codebook",
                "path": "data/codebook.csv",
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
        ],
    }
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")


def reproduces(unit, snapshot: dict) -> bool:
    """Whether the unit's data now give exactly the statistics the report printed."""
    from research.statistics import unit_statistics

    # Not from the cache: the archive vouches for the data as they are. When they were
    # computed is not a figure.
    now = json.loads(json.dumps(unit_statistics(unit, use_cache=False).to_dict()))
    printed = dict(snapshot.get("statistics") or {})
    now.pop("generated_at", None)
    printed.pop("generated_at", None)
    return now == printed


def archive_files(report) -> dict[str, bytes]:
    """Every file of the archive but the manifest, by path."""
    unit = report.unit
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    return {
        "report.pdf": pdf,
        "datapackage.json": _datapackage(unit, report),
        "data/observations.csv": _observations_csv(unit),
        "data/codebook.csv": _codebook_csv(unit),
        "data/observations.sav": _sav(unit),
        "qualitative/passages.csv": _passages_csv(unit),
        "qualitative/themes.csv": _themes_csv(unit),
        "snapshot.json": json.dumps(report.snapshot, indent=1, ensure_ascii=False).encode("utf-8"),
    }


def build_archive(report) -> bytes:
    """The ZIP of a unit report version (see the module's docstring)."""
    files = archive_files(report)
    manifest = {
        "archive_version": ARCHIVE_VERSION,
        "made_at": timezone.now().isoformat(),
        "report": {
            "unit": report.unit.slug,
            "kind": report.kind,
            "version": report.version,
            "language": report.language,
            "snapshot_taken_at": (report.snapshot or {}).get("taken_at"),
        },
        "reproduces_report": reproduces(report.unit, report.snapshot or {}),
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
