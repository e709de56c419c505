"""Builders for the data-import tests: a small codebook and file helpers."""

import io

from research.models import Measure, Observation, ObservationChange
from research.services import observations_import
from research.services.waves import waves_ensure_defaults


def make_codebook(unit):
    """ucla: likert 1-4 (lower is better); djg: numeric 0-11; net: yes/no; note: text."""
    specs = [
        ("ucla", "likert", 1, 4, False),
        ("djg", "numeric", 0, 11, False),
        ("net", "yesno", None, None, True),
        ("note", "text", None, None, True),
    ]
    return {
        code: Measure.objects.create(
            unit=unit,
            code=code,
            label=code.upper(),
            type=kind,
            min_value=lo,
            max_value=hi,
            higher_is_better=better,
            order=i,
        )
        for i, (code, kind, lo, hi, better) in enumerate(specs)
    }


def wave(unit, code="baseline"):
    return next(w for w in waves_ensure_defaults(unit=unit) if w.code == code)


def run_import(unit, content, *, name="data.csv", wave_code="baseline", dry_run=False):
    if isinstance(content, str):
        content = content.encode("utf-8")
    chosen = wave(unit, wave_code) if wave_code else None
    return observations_import(
        unit=unit, file=io.BytesIO(content), filename=name, wave=chosen, dry_run=dry_run
    )


def values(unit):
    """{(respondent, wave code, measure code): value} of everything stored."""
    return {
        (o.respondent, o.wave.code, o.measure.code): o.value
        for o in Observation.objects.filter(unit=unit).select_related("wave", "measure")
    }


def nothing_written(unit):
    return (
        not Observation.objects.filter(unit=unit).exists()
        and not ObservationChange.objects.filter(unit=unit).exists()
    )


def problem_texts(result):
    return [str(p) for p in result.problems]


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bomb(unpacked_bytes: int, *, declared_bytes: int | None = None) -> bytes:
    """A small valid workbook whose one shared string is ``unpacked_bytes`` of spaces.

    Written as a stream, so building it takes about a megabyte of memory whatever the
    size. ``declared_bytes`` puts another (smaller) size in the zip's central
    directory: a header that lies about what the part unpacks to.
    """
    import zipfile

    plain = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["respondent", "note"], ["R1", "x"]])))
    out = io.BytesIO()
    name = "xl/sharedStrings.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in plain.infolist():
            content = plain.read(info)
            if info.filename == "[Content_Types].xml":  # so that the reader loads the part
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            bomb.writestr(info, content)
        with bomb.open(name, "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
            part.write(b' count="2" uniqueCount="2"><si><t>respondent</t></si><si><t>')
            chunk = b" " * (1024 * 1024)
            left = unpacked_bytes
            while left > 0:
                part.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
            part.write(b"</t></si></sst>")
    data = bytearray(out.getvalue())
    if declared_bytes is not None:
        # The central directory entry: signature, 20 bytes, then the uncompressed size.
        at = data.rfind(name.encode()) - 46
        assert data[at : at + 4] == b"PK\x01\x02"
        data[at + 24 : at + 28] = declared_bytes.to_bytes(4, "little")
    return bytes(data)
