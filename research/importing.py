"""Reading and checking research files: data (wide or long) and codebooks.

Plain functions, no writes. Files are streamed: ``iter_rows`` yields one row at
a time from a ``.csv`` (UTF-8 with or without BOM, or Windows-1252; separator
``,``, ``;`` or tab, detected) or an ``.xlsx`` (first sheet, read-only mode).
``iter_records`` turns the rows of a data file into checked values and
collects every problem (line as in the file, column, reason) in a
``Problems`` list; the writer in ``research.services`` decides what to do with
them (all or nothing).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .models import RESPONDENT_RE, MeasureType

SAMPLE_BYTES = 64 * 1024
MAX_PROBLEMS_KEPT = 500
MAX_TEXT_VALUE = 10_000
YES = frozenset({"ja", "yes", "1", "true", "j", "y"})
NO = frozenset({"nee", "no", "0", "false", "n"})
_respondent_re = re.compile(RESPONDENT_RE)
_number_re = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


# --- Problems ------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None  # "C (ucla_1)" or None for the whole row / file
    message: str

    def __str__(self):
        if self.line is not None and self.column:
            return _("Line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class Problems:
    """Every problem found; the first ``MAX_PROBLEMS_KEPT`` are kept for display."""

    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, line, column, message):
        self.total += 1
        if len(self.items) < MAX_PROBLEMS_KEPT:
            self.items.append(Problem(line, column, message))

    def __bool__(self):
        return self.total > 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return self.total

    @property
    def not_shown(self) -> int:
        return self.total - len(self.items)


class FileUnreadable(Exception):
    """The file as a whole cannot be read (empty, not a table, bad encoding, too large)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


def describe_column(index: int, name: str | None = None) -> str:
    letter = column_letter(index)
    return f"{letter} ({name})" if name else letter


# --- Reading rows ----------------------------------------------------------------


def file_size(fileobj) -> int | None:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    try:
        pos = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(pos)
        return size
    except (AttributeError, OSError):
        return None


def check_size(fileobj):
    limit = getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    size = file_size(fileobj)
    if size is not None and size > limit:
        raise FileUnreadable(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
        )


def _raw(fileobj):
    """The plain file object under Django's File wrappers (TextIOWrapper needs one)."""
    from django.core.files import File

    while isinstance(fileobj, File) and getattr(fileobj, "file", None) is not None:
        fileobj = fileobj.file
    return fileobj


def iter_rows(fileobj, filename: str = "") -> Iterator[tuple[int, list]]:
    """Yield ``(line, cells)`` for each row of a csv or xlsx file, starting with the header.

    Cells are stripped strings (csv) or the spreadsheet's own values (xlsx:
    str, int, float, bool, datetime or None). Raises ``FileUnreadable`` when
    the file is not a table we can read, possibly in the middle of it.
    """
    fileobj = _raw(fileobj)
    check_size(fileobj)
    fileobj.seek(0)
    head = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    if not head:
        raise FileUnreadable(_("The file is empty."), line=1)
    if head.startswith(b"PK\x03\x04"):
        yield from _xlsx_rows(fileobj)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileUnreadable(
            _("This is an old Excel file (.xls). Save it as .xlsx or as CSV and upload it again.")
        )
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file."))
    else:
        yield from _csv_rows(fileobj, head)


def _detect_encoding(head: bytes) -> str:
    """UTF-16 by its BOM (Excel's "Unicode text"); else UTF-8 if it decodes; else Windows-1252."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(head) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(2, len(text) // 100)


def _detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    if not lines:
        return ","
    header = lines[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(fileobj, head: bytes):
    encoding = _detect_encoding(head)
    try:
        sample = head.decode(encoding, errors="replace" if len(head) >= SAMPLE_BYTES else "strict")
    except UnicodeDecodeError:
        raise FileUnreadable(_("This is not a CSV or Excel file we can read.")) from None
    if _looks_binary(sample):
        raise FileUnreadable(_("This is not a CSV or Excel file we can read."))
    delimiter = _detect_delimiter(sample[:8192])
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            line = start
            yield start, [c.strip() for c in cells]
    except UnicodeDecodeError:
        raise FileUnreadable(
            _("The file contains bytes that are not text (after line %(line)s).") % {"line": line},
            line=line + 1,
        ) from None
    except csv.Error as exc:
        raise FileUnreadable(
            _("The file cannot be read as CSV: %(error)s") % {"error": exc}, line=line + 1
        ) from None
    finally:
        with contextlib.suppress(ValueError):
            text.detach()


# A part packed more tightly than this is not an ordinary spreadsheet (XML packs
# 5 to 20 times; a run of spaces or zeros packs about 1,000 times).
MAX_PACKING_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024


def check_workbook(fileobj) -> None:
    """Refuse a workbook that would unpack to too much, before any XML is parsed.

    Only the zip's central directory is read (the sizes it declares). A part that
    unpacks to more than it declares cannot fill the memory either: Python's
    ``zipfile``, which openpyxl reads through, stops every part at its declared
    size and then fails on the checksum (a test proves it).
    """
    import zipfile

    limit = settings.UPLOAD_MAX_UNPACKED_BYTES
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
    finally:
        fileobj.seek(0)
    if sum(part.file_size for part in parts) > limit:
        raise FileUnreadable(
            _(
                "The workbook unpacks to more than %(limit)s MB; save it as CSV, or split it "
                "into smaller files."
            )
            % {"limit": f"{limit / 1024 / 1024:.0f}"}
        )
    for part in parts:
        if part.file_size > RATIO_CHECKED_ABOVE and part.file_size > MAX_PACKING_RATIO * max(
            part.compress_size, 1
        ):
            raise FileUnreadable(
                _(
                    "The workbook is packed unusually tightly (%(part)s unpacks to more than "
                    "%(ratio)s times its packed size); this is not an ordinary Excel file. "
                    "Save it again from Excel, or as CSV."
                )
                % {"part": part.filename[:100], "ratio": MAX_PACKING_RATIO}
            )


def _xlsx_rows(fileobj):
    import openpyxl

    check_workbook(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
    try:
        if not workbook.worksheets:
            raise FileUnreadable(_("The Excel file has no sheets."))
        sheet = workbook.worksheets[0]
        try:
            for line, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                yield line, [c.strip() if isinstance(c, str) else c for c in row]
        except FileUnreadable:
            raise
        except Exception:  # noqa: BLE001
            raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
    finally:
        workbook.close()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def cell_text(value) -> str:
    """A cell as text: integral floats without '.0', None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Values ------------------------------------------------------------------


class ValueProblem(Exception):
    pass


def parse_number(raw) -> float:
    """A number from a cell: numbers as they are, text with a decimal point or comma."""
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if not _number_re.match(text):
            raise ValueProblem(_("“%(value)s” is not a number.") % {"value": _short(raw)})
        value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueProblem(_("“%(value)s” is not a number.") % {"value": _short(raw)})
    return value


def _short(raw) -> str:
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def parse_value(measure, raw) -> tuple[float | None, str]:
    """``(value_numeric, value_text)`` for one non-blank cell, or ``ValueProblem``."""
    kind = measure.type
    if kind == MeasureType.TEXT:
        text = cell_text(raw)
        if len(text) > MAX_TEXT_VALUE:
            raise ValueProblem(
                _("The text is longer than %(max)s characters.") % {"max": MAX_TEXT_VALUE}
            )
        return None, text
    if kind == MeasureType.YESNO:
        if isinstance(raw, bool):
            return (1.0 if raw else 0.0), ""
        word = cell_text(raw).lower()
        if word in YES:
            return 1.0, ""
        if word in NO:
            return 0.0, ""
        raise ValueProblem(
            _("“%(value)s” is not yes or no (use ja/nee, yes/no, 1/0 or true/false).")
            % {"value": _short(raw)}
        )
    value = parse_number(raw)
    if kind == MeasureType.LIKERT and not value.is_integer():
        raise ValueProblem(
            _("“%(value)s” is not a whole number, which a likert scale needs.")
            % {"value": _short(raw)}
        )
    if measure.min_value is not None and value < measure.min_value:
        raise ValueProblem(
            _("%(value)s is below the minimum %(min)s.")
            % {"value": _fmt(value), "min": _fmt(measure.min_value)}
        )
    if measure.max_value is not None and value > measure.max_value:
        raise ValueProblem(
            _("%(value)s is above the maximum %(max)s.")
            % {"value": _fmt(value), "max": _fmt(measure.max_value)}
        )
    return value, ""


def parse_respondent(raw) -> str:
    code = cell_text(raw)
    if not _respondent_re.match(code):
        raise ValueProblem(
            _(
                "“%(value)s” is not a respondent code: use 1-64 letters, digits, “-”, “_” or "
                "“.” (a pseudonym, never a name or e-mail address)."
            )
            % {"value": _short(code)}
        )
    return code


# --- Data files ----------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One checked value, ready to write."""

    line: int
    respondent: str
    wave_id: int
    measure_id: int
    value_numeric: float | None
    value_text: str


@dataclass
class ReadSummary:
    shape: str = ""
    rows: int = 0
    values: int = 0
    waves: set = field(default_factory=set)


LONG_COLUMNS = ("respondent", "wave", "measure", "value")


class _Lookup:
    """Measures and waves of the unit by code (exact first, then case-insensitive)."""

    def __init__(self, items, *, extra_keys=()):
        self.exact = {item.code: item for item in items}
        self.folded = {}
        for item in items:
            self.folded.setdefault(item.code.casefold(), item)
            for attr in extra_keys:
                self.folded.setdefault(str(getattr(item, attr)).casefold(), item)

    def get(self, key):
        return self.exact.get(key) or self.folded.get(key.casefold())


def iter_records(
    rows: Iterator[tuple[int, list]],
    *,
    measures,
    waves,
    wave=None,
    problems: Problems,
    summary: ReadSummary,
) -> Iterator[Record]:
    """Check every row of a data file; yield its values and add every problem found.

    ``wave`` is the wave chosen on the form (or ``--wave``); a ``wave`` column
    in the file overrides it per row. Values are yielded even after a problem
    (so that all problems are found); the writer must not keep them then.
    """
    measure_by = _Lookup(measures)
    wave_by = _Lookup(waves, extra_keys=("label",))
    try:
        header_line, header = _first_nonblank(rows)
    except StopIteration:
        problems.add(1, None, _("The file is empty."))
        return
    names = [cell_text(c) for c in header]
    folded = [n.casefold() for n in names]
    seen = {}
    for index, name in enumerate(folded):
        if not name:
            continue
        if name in seen:
            problems.add(
                header_line,
                describe_column(index, names[index]),
                _("The column “%(name)s” appears twice (also in column %(other)s).")
                % {"name": names[index], "other": column_letter(seen[name])},
            )
        else:
            seen[name] = index
    if "respondent" not in seen:
        problems.add(
            header_line,
            None,
            _("There is no “respondent” column; the first line must name the columns."),
        )
        return
    if wave is None and "wave" not in seen:
        problems.add(
            header_line,
            None,
            _("No wave: choose one for the file or add a “wave” column."),
        )
    if set(seen) == set(LONG_COLUMNS):
        summary.shape = "long"
        yield from _long_records(
            rows, header_line, names, seen, measure_by, wave_by, wave, problems, summary
        )
    else:
        summary.shape = "wide"
        yield from _wide_records(
            rows, header_line, names, seen, measure_by, wave_by, wave, problems, summary
        )


def _first_nonblank(rows):
    for line, cells in rows:
        if any(not is_blank(c) for c in cells):
            return line, cells
    raise StopIteration


def _row_wave(cells, wave_index, line, wave_by, default, problems):
    if wave_index is not None and wave_index < len(cells) and not is_blank(cells[wave_index]):
        code = cell_text(cells[wave_index])
        found = wave_by.get(code)
        if found is None:
            problems.add(
                line,
                describe_column(wave_index, "wave"),
                _("“%(value)s” is not a wave of this unit.") % {"value": _short(code)},
            )
        return found
    if default is None and wave_index is not None:
        problems.add(line, describe_column(wave_index, "wave"), _("The wave is missing."))
    return default


def _extra_cells(cells, width, line, problems):
    for index in range(width, len(cells)):
        if not is_blank(cells[index]):
            problems.add(
                line,
                describe_column(index),
                _("A value in a column without a name in the first line."),
            )
            return


def _wide_records(rows, header_line, names, seen, measure_by, wave_by, wave, problems, summary):
    respondent_index = seen["respondent"]
    wave_index = seen.get("wave")
    columns = []  # (index, measure)
    for index, name in enumerate(names):
        if index in (respondent_index, wave_index) or not name:
            continue
        if seen.get(name.casefold()) != index:
            continue  # a duplicate, already reported
        measure = measure_by.get(name)
        if measure is None:
            problems.add(
                header_line,
                describe_column(index, name),
                _("“%(name)s” is not a measure code of this unit (see the codebook).")
                % {"name": _short(name)},
            )
            continue
        columns.append((index, measure, describe_column(index, name)))
    if not columns and not problems:
        problems.add(header_line, None, _("There are no measure columns."))
    width = len(names)
    named = {i for i, n in enumerate(names) if n}
    first_line_of = {}
    for line, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        summary.rows += 1
        _extra_cells(cells, width, line, problems)
        for index in range(min(width, len(cells))):
            if index not in named and not is_blank(cells[index]):
                problems.add(
                    line,
                    describe_column(index),
                    _("A value in a column without a name in the first line."),
                )
        raw_respondent = cells[respondent_index] if respondent_index < len(cells) else None
        try:
            if is_blank(raw_respondent):
                raise ValueProblem(_("The respondent code is missing."))
            respondent = parse_respondent(raw_respondent)
        except ValueProblem as exc:
            problems.add(line, describe_column(respondent_index, "respondent"), str(exc))
            respondent = None
        row_wave = _row_wave(cells, wave_index, line, wave_by, wave, problems)
        if respondent is not None and row_wave is not None:
            key = (respondent, row_wave.pk)
            if key in first_line_of:
                problems.add(
                    line,
                    describe_column(respondent_index, "respondent"),
                    _(
                        "Respondent “%(respondent)s” appears twice for wave “%(wave)s” "
                        "(also on line %(other)s)."
                    )
                    % {
                        "respondent": respondent,
                        "wave": row_wave.code,
                        "other": first_line_of[key],
                    },
                )
                continue
            first_line_of[key] = line
            summary.waves.add(row_wave.pk)
        for index, measure, column in columns:
            raw = cells[index] if index < len(cells) else None
            if is_blank(raw):
                continue
            try:
                number, text = parse_value(measure, raw)
            except ValueProblem as exc:
                problems.add(line, column, str(exc))
                continue
            if respondent is None or row_wave is None:
                continue
            summary.values += 1
            yield Record(line, respondent, row_wave.pk, measure.pk, number, text)


def _long_records(rows, header_line, names, seen, measure_by, wave_by, wave, problems, summary):
    ri, wi, mi, vi = (seen[c] for c in LONG_COLUMNS)
    width = len(names)
    first_line_of = {}
    for line, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        summary.rows += 1
        _extra_cells(cells, width, line, problems)

        def cell(index, cells=cells):
            return cells[index] if index < len(cells) else None

        try:
            if is_blank(cell(ri)):
                raise ValueProblem(_("The respondent code is missing."))
            respondent = parse_respondent(cell(ri))
        except ValueProblem as exc:
            problems.add(line, describe_column(ri, names[ri]), str(exc))
            respondent = None
        row_wave = _row_wave(cells, wi, line, wave_by, wave, problems)
        measure = None
        if is_blank(cell(mi)):
            problems.add(line, describe_column(mi, names[mi]), _("The measure code is missing."))
        else:
            code = cell_text(cell(mi))
            measure = measure_by.get(code)
            if measure is None:
                problems.add(
                    line,
                    describe_column(mi, names[mi]),
                    _("“%(name)s” is not a measure code of this unit (see the codebook).")
                    % {"name": _short(code)},
                )
        if measure is None:
            continue
        raw = cell(vi)
        if is_blank(raw):
            continue
        try:
            number, text = parse_value(measure, raw)
        except ValueProblem as exc:
            problems.add(line, describe_column(vi, names[vi]), str(exc))
            continue
        if respondent is None or row_wave is None:
            continue
        key = (respondent, row_wave.pk, measure.pk)
        if key in first_line_of:
            problems.add(
                line,
                describe_column(ri, names[ri]),
                _(
                    "Respondent “%(respondent)s” has a second value for “%(measure)s” in wave "
                    "“%(wave)s” (also on line %(other)s)."
                )
                % {
                    "respondent": respondent,
                    "measure": measure.code,
                    "wave": row_wave.code,
                    "other": first_line_of[key],
                },
            )
            continue
        first_line_of[key] = line
        summary.waves.add(row_wave.pk)
        summary.values += 1
        yield Record(line, respondent, row_wave.pk, measure.pk, number, text)


def finish(problems: Problems, summary: ReadSummary, header_seen: bool = True):
    """File-level checks after all rows were read."""
    if not problems and summary.rows == 0:
        problems.add(2, None, _("The file has a header line but no data."))


PROGRESS_EVERY = 5000  # rows


def _reporting(rows, fileobj, progress):
    """The rows, telling ``progress`` every few thousand rows how far into the file we are
    (0.0-1.0, by the position in the file: for an .xlsx, in its packed sheet)."""
    raw = _raw(fileobj)
    size = file_size(raw) or 0
    for count, row in enumerate(rows, start=1):
        if count % PROGRESS_EVERY == 0 and size:
            with contextlib.suppress(OSError, ValueError):
                progress(min(raw.tell() / size, 1.0))
        yield row


def read_data(fileobj, *, filename, measures, waves, wave, problems, summary, progress=None):
    """``iter_records`` over a file, turning an unreadable file into a problem.

    ``progress``, if given, is called now and then with the part of the file read.
    """
    rows = iter_rows(fileobj, filename)
    if progress is not None:
        rows = _reporting(rows, fileobj, progress)
    try:
        yield from iter_records(
            rows,
            measures=measures,
            waves=waves,
            wave=wave,
            problems=problems,
            summary=summary,
        )
    except FileUnreadable as exc:
        problems.add(exc.line, None, exc.message)
        return
    finish(problems, summary)


# --- Codebooks -----------------------------------------------------------------

CODEBOOK_COLUMNS = (
    "code",
    "label",
    "construct",
    "type",
    "min",
    "max",
    "higher_is_better",
    "respondent",
)
_code_re = re.compile(r"^[A-Za-z0-9_]{1,64}$")


@dataclass(frozen=True)
class MeasureSpec:
    line: int
    code: str
    label: str
    construct: str
    type: str
    min_value: float | None
    max_value: float | None
    higher_is_better: bool
    respondent: str


def read_codebook(fileobj, *, filename, problems: Problems) -> list[MeasureSpec]:
    """The measures of a codebook file, checked; problems added to ``problems``."""
    from .models import Respondent

    specs: list[MeasureSpec] = []
    try:
        rows = iter_rows(fileobj, filename)
        try:
            header_line, header = _first_nonblank(rows)
        except StopIteration:
            problems.add(1, None, _("The file is empty."))
            return []
        names = [cell_text(c) for c in header]
        index_of = {}
        for index, name in enumerate(names):
            key = name.casefold().replace(" ", "_")
            if not key:
                continue
            if key not in CODEBOOK_COLUMNS:
                problems.add(
                    header_line,
                    describe_column(index, name),
                    _("“%(name)s” is not a codebook column (expected: %(columns)s).")
                    % {"name": _short(name), "columns": ", ".join(CODEBOOK_COLUMNS)},
                )
            elif key in index_of:
                problems.add(
                    header_line,
                    describe_column(index, name),
                    _("The column “%(name)s” appears twice.") % {"name": name},
                )
            else:
                index_of[key] = index
        for required in ("code", "label", "type"):
            if required not in index_of:
                problems.add(
                    header_line,
                    None,
                    _("The column “%(name)s” is missing.") % {"name": required},
                )
        if problems:
            return []
        lines_of = {}
        types = {t.value for t in MeasureType}
        respondents = {r.value for r in Respondent}
        for line, cells in rows:
            if all(is_blank(c) for c in cells):
                continue

            def get(key, cells=cells):
                index = index_of.get(key)
                if index is None or index >= len(cells):
                    return ""
                return cell_text(cells[index])

            def col(key):
                return describe_column(index_of[key], names[index_of[key]])

            before = problems.total
            code = get("code")
            if not _code_re.match(code):
                problems.add(
                    line,
                    col("code"),
                    _("“%(value)s” is not a code: use letters, digits and underscores.")
                    % {"value": _short(code)}
                    if code
                    else _("The code is missing."),
                )
            elif code.casefold() in lines_of:
                problems.add(
                    line,
                    col("code"),
                    _("The code “%(code)s” appears twice (also on line %(other)s).")
                    % {"code": code, "other": lines_of[code.casefold()]},
                )
            else:
                lines_of[code.casefold()] = line
            label = get("label")
            if not label:
                problems.add(line, col("label"), _("The label is missing."))
            elif len(label) > 200:
                problems.add(line, col("label"), _("The label is longer than 200 characters."))
            construct = get("construct")
            if len(construct) > 200:
                problems.add(
                    line, col("construct"), _("The construct is longer than 200 characters.")
                )
            kind = get("type").casefold()
            if kind not in types:
                problems.add(
                    line,
                    col("type"),
                    _("“%(value)s” is not a type (use numeric, likert, yesno or text).")
                    % {"value": _short(get("type"))},
                )
            bounds = {}
            for key in ("min", "max"):
                raw = get(key)
                bounds[key] = None
                if raw:
                    try:
                        bounds[key] = parse_number(raw)
                    except ValueProblem as exc:
                        problems.add(line, col(key), str(exc))
                elif kind in (MeasureType.NUMERIC, MeasureType.LIKERT):
                    problems.add(
                        line,
                        col(key) if key in index_of else key,
                        _("Numeric and likert measures need a %(bound)s.")
                        % {"bound": _("minimum") if key == "min" else _("maximum")},
                    )
            if (
                bounds["min"] is not None
                and bounds["max"] is not None
                and bounds["max"] <= bounds["min"]
            ):
                problems.add(line, col("max"), _("The maximum must be above the minimum."))
            hib_raw = get("higher_is_better").casefold()
            if not hib_raw or hib_raw in YES:
                higher = True
            elif hib_raw in NO:
                higher = False
            else:
                higher = True
                problems.add(
                    line,
                    col("higher_is_better"),
                    _("“%(value)s” is not yes or no (use ja/nee, yes/no, 1/0 or true/false).")
                    % {"value": _short(get("higher_is_better"))},
                )
            respondent = get("respondent").casefold() or "client"
            if respondent not in respondents:
                problems.add(
                    line,
                    col("respondent"),
                    _("“%(value)s” is not a respondent (use client, professional or other).")
                    % {"value": _short(get("respondent"))},
                )
            if problems.total == before:
                specs.append(
                    MeasureSpec(
                        line=line,
                        code=code,
                        label=label,
                        construct=construct,
                        type=kind,
                        min_value=bounds["min"],
                        max_value=bounds["max"],
                        higher_is_better=higher,
                        respondent=respondent,
                    )
                )
    except FileUnreadable as exc:
        problems.add(exc.line, None, exc.message)
        return []
    if not problems and not specs:
        problems.add(2, None, _("The file has a header line but no measures."))
    return specs
