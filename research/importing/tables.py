"""The rows of an uploaded table, one at a time: ``TableReader``.

A ``.csv`` (UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252;
separator ``,``, ``;`` or tab, detected), an ``.xlsx`` (the chosen sheet or the
first, read-only mode, streamed) or an ``.ods`` (read whole by odfpy, so its size is
kept lower). Anything else, or a file over the limits, is ``FileUnreadable``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from .problems import FileUnreadable

SAMPLE_BYTES = 64 * 1024
PROGRESS_EVERY = 5000  # rows
# A part packed more tightly than this is not an ordinary spreadsheet (XML packs
# 5 to 20 times; a run of spaces or zeros packs about 1,000 times).
MAX_PACKING_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# odfpy reads a whole .ods into memory (about 20 to 50 times its XML): its sheets'
# XML is kept below this, and a larger file is asked for as .xlsx or CSV.
ODS_MAX_CONTENT_BYTES = 10 * 1024 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_formula_element = re.compile(rb"<(\w+:)?f[\s/>]")  # <f>, <f t="shared" .../>, <x:f>

Row = tuple[int, list]
# Separators that say how the file writes numbers (see ``values``): Dutch Excel saves
# CSV with ";" and decimal commas, English Excel with "," and decimal points.
DECIMAL_OF_DELIMITER = {";": "comma", ",": "point"}


class UncachedFormula(str):
    """An .xlsx cell with a formula but no value saved with it (a file written by a
    program, never opened and saved in Excel): its text is the formula."""


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


def first_nonblank(rows: Iterator[Row]) -> Row | None:
    """The first row with a value (the header), or None when there is none."""
    for line, cells in rows:
        if any(not is_blank(c) for c in cells):
            return line, cells
    return None


class TableReader:
    """One uploaded table: its file, its name, the limits it is read within.

    ``rows()`` yields ``(line, cells)`` for each row, starting with the header.
    Cells are stripped strings (csv) or the spreadsheet's own values (xlsx: str,
    int, float, bool, datetime or None). Raises ``FileUnreadable`` when the file
    is not a table we can read, possibly in the middle of it.
    """

    def __init__(self, fileobj, filename: str = "", *, sheet: str = ""):
        self.file = self._raw(fileobj)
        self.filename = filename
        self.sheet = sheet
        # "comma", "point" or None (unknown), known once the first row is read.
        self.decimal: str | None = None
        # A workbook's sheets and the one read, known once the first row is read.
        self.sheet_names: list[str] = []
        self.sheet_read = ""
        self.max_bytes = settings.UPLOAD_MAX_BYTES
        self.max_unpacked_bytes = settings.UPLOAD_MAX_UNPACKED_BYTES

    @staticmethod
    def _raw(fileobj):
        """The plain file object under Django's File wrappers (TextIOWrapper needs one)."""
        while isinstance(fileobj, File) and getattr(fileobj, "file", None) is not None:
            fileobj = fileobj.file
        return fileobj

    def size(self) -> int | None:
        size = getattr(self.file, "size", None)
        if size is not None:
            return size
        try:
            pos = self.file.tell()
            self.file.seek(0, io.SEEK_END)
            size = self.file.tell()
            self.file.seek(pos)
            return size
        except (AttributeError, OSError):
            return None

    def rows(self, progress: Callable[[float], None] | None = None) -> Iterator[Row]:
        """The rows; ``progress``, if given, is told every few thousand rows how far into
        the file we are (0.0-1.0, by the position in the file: for an .xlsx, in its
        packed sheet)."""
        rows = self._rows()
        if progress is None:
            yield from rows
            return
        size = self.size() or 0
        for count, row in enumerate(rows, start=1):
            if count % PROGRESS_EVERY == 0 and size:
                with contextlib.suppress(OSError, ValueError):
                    progress(min(self.file.tell() / size, 1.0))
            yield row

    def _rows(self) -> Iterator[Row]:
        self._check_size()
        self.file.seek(0)
        head = self.file.read(SAMPLE_BYTES)
        self.file.seek(0)
        if not head:
            raise FileUnreadable(_("The file is empty."), line=1)
        if head.startswith(b"PK\x03\x04") and (
            ODS_MIMETYPE in head[:200] or self.filename.lower().endswith(".ods")
        ):
            yield from self._ods_rows()
        elif head.startswith(b"PK\x03\x04"):
            yield from self._xlsx_rows()
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileUnreadable(
                _(
                    "This is an old Excel file (.xls). Save it as .xlsx or as CSV and upload "
                    "it again."
                )
            )
        elif self.filename.lower().endswith((".xlsx", ".xlsm")):
            raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file."))
        else:
            yield from self._csv_rows(head)

    def _check_size(self) -> None:
        size = self.size()
        if size is not None and size > self.max_bytes:
            raise FileUnreadable(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {
                    "size": f"{size / 1024 / 1024:.1f}",
                    "limit": f"{self.max_bytes / 1024 / 1024:.0f}",
                }
            )

    # --- CSV -----------------------------------------------------------------------

    @staticmethod
    def detect_encoding(head: bytes) -> str:
        """UTF-16 by its BOM (Excel's "Unicode text"); else UTF-8 if it decodes; else
        Windows-1252."""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(head, final=len(head) < SAMPLE_BYTES)
        except UnicodeDecodeError:
            return "cp1252"
        return "utf-8-sig"

    @staticmethod
    def detect_delimiter(sample: str) -> str:
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

    def _csv_rows(self, head: bytes) -> Iterator[Row]:
        encoding = self.detect_encoding(head)
        try:
            sample = head.decode(
                encoding, errors="replace" if len(head) >= SAMPLE_BYTES else "strict"
            )
        except UnicodeDecodeError:
            raise FileUnreadable(_("This is not a CSV or Excel file we can read.")) from None
        if _looks_binary(sample):
            raise FileUnreadable(_("This is not a CSV or Excel file we can read."))
        delimiter = self.detect_delimiter(sample[:8192])
        self.decimal = DECIMAL_OF_DELIMITER.get(delimiter)
        text = io.TextIOWrapper(self.file, encoding=encoding, newline="", errors="strict")
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
                _("The file contains bytes that are not text (after line %(line)s).")
                % {"line": line},
                line=line + 1,
            ) from None
        except csv.Error as exc:
            raise FileUnreadable(
                _("The file cannot be read as CSV: %(error)s") % {"error": exc}, line=line + 1
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                text.detach()

    # --- XLSX ----------------------------------------------------------------------

    def check_workbook(self) -> None:
        """Refuse a workbook that would unpack to too much, before any XML is parsed.

        Only the zip's central directory is read (the sizes it declares). A part that
        unpacks to more than it declares cannot fill the memory either: Python's
        ``zipfile``, which openpyxl reads through, stops every part at its declared
        size and then fails on the checksum (a test proves it).
        """
        limit = self.max_unpacked_bytes
        self.file.seek(0)
        try:
            with zipfile.ZipFile(self.file) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
        finally:
            self.file.seek(0)
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

    def _xlsx_rows(self) -> Iterator[Row]:
        import openpyxl

        self.check_workbook()
        formulas = None
        try:
            values = openpyxl.load_workbook(self.file, read_only=True, data_only=True)
            sheet = self._sheet(values)
            # A formula cell without a saved value reads as None above, and must not pass
            # for an empty cell: a sheet with formulas is read a second time alongside,
            # with its formulas (only then: it doubles the work).
            if self._has_formulas(sheet._worksheet_path):
                formulas = openpyxl.load_workbook(self.file, read_only=True, data_only=False)
        except FileUnreadable:
            raise
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
            raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
        try:
            try:
                rows = sheet.iter_rows(min_row=1, values_only=True)
                if formulas is None:
                    for line, row in enumerate(rows, start=1):
                        yield line, [_xlsx_cell(c, None) for c in row]
                    return
                formula_rows = self._sheet(formulas).iter_rows(min_row=1, values_only=True)
                for line, (row, formula_row) in enumerate(
                    zip(rows, formula_rows, strict=False), start=1
                ):
                    yield line, [_xlsx_cell(c, f) for c, f in zip(row, formula_row, strict=False)]
            except FileUnreadable:
                raise
            except Exception:  # noqa: BLE001
                raise FileUnreadable(_("This file is not a valid Excel (.xlsx) file.")) from None
        finally:
            values.close()
            if formulas is not None:
                formulas.close()

    def _has_formulas(self, part: str) -> bool:
        """Whether the sheet's XML has a formula element (scanned as bytes, in chunks)."""
        position = self.file.tell()
        try:
            self.file.seek(0)
            with zipfile.ZipFile(self.file) as archive, archive.open(part) as xml:
                tail = b""
                while chunk := xml.read(1024 * 1024):
                    if _formula_element.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
            return False
        except (KeyError, zipfile.BadZipFile, OSError):
            return True  # read it the careful way
        finally:
            self.file.seek(position)

    # --- ODS (LibreOffice, Google Sheets' OpenDocument download) --------------------

    def _ods_rows(self) -> Iterator[Row]:
        from odf.opendocument import load
        from odf.table import Table, TableRow

        self.check_workbook()
        self.file.seek(0)
        with zipfile.ZipFile(self.file) as archive:
            sizes = {part.filename: part.file_size for part in archive.infolist()}
        self.file.seek(0)
        if sizes.get("content.xml", 0) > ODS_MAX_CONTENT_BYTES:
            raise FileUnreadable(
                _(
                    "This .ods file is too large to read here (its sheets unpack to more than "
                    "%(limit)s MB); save it as .xlsx or CSV and upload that."
                )
                % {"limit": f"{ODS_MAX_CONTENT_BYTES / 1024 / 1024:.0f}"}
            )
        try:
            document = load(self.file)
            tables = document.spreadsheet.getElementsByType(Table)
        except Exception:  # noqa: BLE001 - odfpy raises many kinds on a broken file
            raise FileUnreadable(
                _("This file is not a valid OpenDocument (.ods) spreadsheet.")
            ) from None
        if not tables:
            raise FileUnreadable(_("The spreadsheet has no sheets."))
        table = self._chosen(tables, lambda t: t.getAttribute("name") or "")
        line = 0
        for row in table.getElementsByType(TableRow):
            repeat = int(row.getAttribute("numberrowsrepeated") or 1)
            cells = _ods_cells(row)
            if not cells:  # empty rows (a sheet ends in a million of them)
                line += repeat
                continue
            for _copy in range(min(repeat, ODS_MAX_REPEAT)):
                line += 1
                yield line, list(cells)

    def _sheet(self, workbook):
        """The chosen sheet (by name, case-insensitive), or the first."""
        if not workbook.worksheets:
            raise FileUnreadable(_("The Excel file has no sheets."))
        return self._chosen(workbook.worksheets, lambda sheet: sheet.title)

    def _chosen(self, sheets, name_of):
        self.sheet_names = [name_of(s) for s in sheets]
        for sheet in sheets:
            if not self.sheet or name_of(sheet).casefold() == self.sheet.strip().casefold():
                self.sheet_read = name_of(sheet)
                return sheet
        raise FileUnreadable(
            _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
            % {"sheet": self.sheet, "names": ", ".join(name_of(s) for s in sheets)}
        )


def _xlsx_cell(value, formula):
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return UncachedFormula(formula)
    return value.strip() if isinstance(value, str) else value


ODS_MAX_REPEAT = 1000  # a row or cell repeated more is the sheet's empty end


def _ods_cells(row) -> list:
    """The cells of an .ods row as values (trailing empty cells left off)."""
    cells = []
    for cell in row.childNodes:
        # A covered cell (under a merged one) holds a value the same way.
        if getattr(cell, "qname", (None, None))[1] not in ("table-cell", "covered-table-cell"):
            continue
        repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
        value = _ods_value(cell)
        cells.extend([value] * (1 if value is None and repeat > ODS_MAX_REPEAT else repeat))
    while cells and is_blank(cells[-1]):
        cells.pop()
    return cells


def _ods_value(cell):
    from odf import teletype
    from odf.text import P

    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        return float(cell.getAttribute("value"))
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind in ("date", "time"):
        return cell.getAttribute("datevalue") or cell.getAttribute("timevalue")
    text = "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P)).strip()
    if not kind and (formula := cell.getAttribute("formula")):
        return UncachedFormula(formula.removeprefix("of:"))
    return text or None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(2, len(text) // 100)
