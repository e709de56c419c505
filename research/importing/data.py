"""A data file (wide or long) read into checked values: ``DataFileReader``.

Every problem (line as in the file, column, reason) goes into the reader's
``Problems``; the values are yielded as the file streams, and the writer in
``research.services.imports`` decides what to do with them (all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import MeasureType
from .problems import FileUnreadable, Problems, column_letter, describe_column, shorten
from .tables import Row, TableReader, cell_text, first_nonblank, is_blank
from .values import ValueProblem, parse_respondent, parse_value, unneutralise

LONG_COLUMNS = ("respondent", "wave", "measure", "value")
# The exports' first column: which unit the values came from. Read past on import.
UNIT_COLUMN = "unit"
PREVIEW_VALUES = 10


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
    # The first values as read, for the preview: dicts with line, respondent, wave,
    # measure, value (a number or a text).
    first: list = field(default_factory=list)
    # A workbook's sheets, and the one read ([] and "" for a CSV).
    sheets: list = field(default_factory=list)
    sheet: str = ""


@dataclass(frozen=True)
class Header:
    """The first line with a value: the names of the columns."""

    line: int
    names: list[str]
    index_of: dict[str, int]  # casefolded name -> its first column

    @property
    def width(self) -> int:
        return len(self.names)


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


class DataFileReader:
    """Reads the data files of one unit: its measures and waves, the wave chosen on
    the form (or ``--wave``; a ``wave`` column in the file overrides it per row),
    and what was found (``problems``, ``summary``)."""

    def __init__(self, *, measures, waves, wave=None, respondents=(), sheet=""):
        self.measures = _Lookup(measures)
        self.waves = _Lookup(waves, extra_keys=("label",))
        self.measure_codes = {m.pk: m.code for m in measures}
        self.yesno = {m.pk for m in measures if m.type == MeasureType.YESNO}
        self.wave_codes = {w.pk: w.code for w in waves}
        self.wave = wave
        self.sheet = sheet
        self.problems = Problems()
        self.summary = ReadSummary()
        self.decimal = None
        # Respondent codes do not depend on capitals: the stored spelling of each code,
        # and the first spelling (and its line) met in this file.
        self.stored_spelling = {code.casefold(): code for code in respondents}
        self.file_spelling: dict[str, tuple[str, int]] = {}

    def read(
        self, fileobj, *, filename: str = "", progress: Callable[[float], None] | None = None
    ) -> Iterator[Record]:
        """``records`` over a file, turning an unreadable file into a problem.

        ``progress``, if given, is called now and then with the part of the file read.
        """
        table = TableReader(fileobj, filename, sheet=self.sheet)
        rows = table.rows(progress=progress)
        try:
            for record in self.records(self._unneutralised(rows, table)):
                if len(self.summary.first) < PREVIEW_VALUES:
                    self.summary.first.append(self._shown(record))
                yield record
        except FileUnreadable as exc:
            self.problems.add(exc.line, None, exc.message)
            return
        if not self.problems and self.summary.rows == 0:
            self.problems.add(2, None, _("The file has a header line but no data."))

    def _unneutralised(self, rows, table):
        for line, cells in rows:
            self.decimal = table.decimal
            self.summary.sheets, self.summary.sheet = table.sheet_names, table.sheet_read
            yield line, [unneutralise(c) for c in cells]

    def _shown(self, record: Record) -> dict:
        return {
            "line": record.line,
            "respondent": record.respondent,
            "wave": self.wave_codes.get(record.wave_id, ""),
            "measure": self.measure_codes.get(record.measure_id, ""),
            "value": record.value_text if record.value_numeric is None else record.value_numeric,
            "yesno": record.measure_id in self.yesno,
        }

    def records(self, rows: Iterator[Row]) -> Iterator[Record]:
        """Check every row of a data file; yield its values and add every problem found.

        Values are yielded even after a problem (so that all problems are found);
        the writer must not keep them then.
        """
        header = self._header(rows)
        if header is None:
            return
        if set(header.index_of) - {UNIT_COLUMN} == set(LONG_COLUMNS):
            self.summary.shape = "long"
            yield from self._long(rows, header)
        else:
            self.summary.shape = "wide"
            yield from self._wide(rows, header)

    def _header(self, rows) -> Header | None:
        first = first_nonblank(rows)
        if first is None:
            self.problems.add(1, None, _("The file is empty."))
            return None
        line, cells = first
        names = [cell_text(c) for c in cells]
        index_of = {}
        for index, name in enumerate(n.casefold() for n in names):
            if not name:
                continue
            if name in index_of:
                self.problems.add(
                    line,
                    describe_column(index, names[index]),
                    _("The column “%(name)s” appears twice (also in column %(other)s).")
                    % {"name": names[index], "other": column_letter(index_of[name])},
                )
            else:
                index_of[name] = index
        if "respondent" not in index_of:
            self.problems.add(
                line,
                None,
                _("There is no “respondent” column; the first line must name the columns."),
            )
            return None
        if self.wave is None and "wave" not in index_of:
            self.problems.add(
                line, None, _("No wave: choose one for the file or add a “wave” column.")
            )
        return Header(line=line, names=names, index_of=index_of)

    # --- Wide: a row per respondent (and wave), a column per measure ----------------

    def _wide(self, rows, header: Header) -> Iterator[Record]:
        respondent_index = header.index_of["respondent"]
        wave_index = header.index_of.get("wave")
        skip = [respondent_index, wave_index]
        if self.measures.get(UNIT_COLUMN) is None:
            skip.append(header.index_of.get(UNIT_COLUMN))
        columns = self._measure_columns(header, skip=skip)
        named = {i for i, n in enumerate(header.names) if n}
        first_line_of = {}
        for line, cells in rows:
            if all(is_blank(c) for c in cells):
                continue
            self.summary.rows += 1
            self._extra_cells(cells, header.width, line)
            for index in range(min(header.width, len(cells))):
                if index not in named and not is_blank(cells[index]):
                    self.problems.add(
                        line,
                        describe_column(index),
                        _("A value in a column without a name in the first line."),
                    )
            respondent = self._respondent(cells, respondent_index, "respondent", line)
            row_wave = self._row_wave(cells, wave_index, line)
            if respondent is not None and row_wave is not None:
                key = (respondent, row_wave.pk)
                if key in first_line_of:
                    self.problems.add(
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
                self.summary.waves.add(row_wave.pk)
            for index, measure, column in columns:
                raw = cells[index] if index < len(cells) else None
                if is_blank(raw):
                    continue
                try:
                    parsed = parse_value(measure, raw, self.decimal)
                except ValueProblem as exc:
                    self.problems.add(line, column, str(exc))
                    continue
                if parsed is None:  # a missing code of the measure
                    continue
                number, text = parsed
                if respondent is None or row_wave is None:
                    continue
                self.summary.values += 1
                yield Record(line, respondent, row_wave.pk, measure.pk, number, text)

    def _measure_columns(self, header: Header, *, skip) -> list[tuple[int, object, str]]:
        """(index, measure, column description) for each measure column of a wide file."""
        columns = []
        for index, name in enumerate(header.names):
            if index in skip or not name:
                continue
            if header.index_of.get(name.casefold()) != index:
                continue  # a duplicate, already reported
            measure = self.measures.get(name)
            if measure is None:
                self.problems.add(
                    header.line,
                    describe_column(index, name),
                    _("“%(name)s” is not a measure code of this unit (see the codebook).")
                    % {"name": shorten(name)},
                )
                continue
            columns.append((index, measure, describe_column(index, name)))
        if not columns and not self.problems:
            self.problems.add(header.line, None, _("There are no measure columns."))
        return columns

    # --- Long: a row per value -----------------------------------------------------

    def _long(self, rows, header: Header) -> Iterator[Record]:
        ri, wi, mi, vi = (header.index_of[c] for c in LONG_COLUMNS)
        names = header.names
        first_line_of = {}
        for line, cells in rows:
            if all(is_blank(c) for c in cells):
                continue
            self.summary.rows += 1
            self._extra_cells(cells, header.width, line)
            respondent = self._respondent(cells, ri, names[ri], line)
            row_wave = self._row_wave(cells, wi, line)
            measure = self._row_measure(cells, mi, names[mi], line)
            if measure is None:
                continue
            raw = cells[vi] if vi < len(cells) else None
            if is_blank(raw):
                continue
            try:
                parsed = parse_value(measure, raw, self.decimal)
            except ValueProblem as exc:
                self.problems.add(line, describe_column(vi, names[vi]), str(exc))
                continue
            if parsed is None:  # a missing code of the measure
                continue
            number, text = parsed
            if respondent is None or row_wave is None:
                continue
            key = (respondent, row_wave.pk, measure.pk)
            if key in first_line_of:
                self.problems.add(
                    line,
                    describe_column(ri, names[ri]),
                    _(
                        "Respondent “%(respondent)s” has a second value for “%(measure)s” in "
                        "wave “%(wave)s” (also on line %(other)s)."
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
            self.summary.waves.add(row_wave.pk)
            self.summary.values += 1
            yield Record(line, respondent, row_wave.pk, measure.pk, number, text)

    def _row_measure(self, cells, index, name, line):
        raw = cells[index] if index < len(cells) else None
        if is_blank(raw):
            self.problems.add(line, describe_column(index, name), _("The measure code is missing."))
            return None
        code = cell_text(raw)
        measure = self.measures.get(code)
        if measure is None:
            self.problems.add(
                line,
                describe_column(index, name),
                _("“%(name)s” is not a measure code of this unit (see the codebook).")
                % {"name": shorten(code)},
            )
        return measure

    # --- Cells of any row ------------------------------------------------------------

    def _respondent(self, cells, index, name, line) -> str | None:
        raw = cells[index] if index < len(cells) else None
        try:
            if is_blank(raw):
                raise ValueProblem(_("The respondent code is missing."))
            code = parse_respondent(raw)
        except ValueProblem as exc:
            self.problems.add(line, describe_column(index, name), str(exc))
            return None
        return self._one_spelling(code, line, describe_column(index, name))

    def _one_spelling(self, code: str, line: int, column: str) -> str | None:
        """The code as stored (nb-001 is NB-001 if that is stored), or None with a problem
        when this file writes one code two ways."""
        folded = code.casefold()
        first = self.file_spelling.setdefault(folded, (code, line))
        if first[0] != code:
            self.problems.add(
                line,
                column,
                _(
                    "“%(code)s” is written as “%(other)s” on line %(line)s; respondent codes do "
                    "not depend on capitals, so use one spelling."
                )
                % {"code": code, "other": first[0], "line": first[1]},
            )
            return None
        return self.stored_spelling.get(folded, code)

    def _row_wave(self, cells, wave_index, line):
        if wave_index is not None and wave_index < len(cells) and not is_blank(cells[wave_index]):
            code = cell_text(cells[wave_index])
            found = self.waves.get(code)
            if found is None:
                self.problems.add(
                    line,
                    describe_column(wave_index, "wave"),
                    _("“%(value)s” is not a wave of this unit.") % {"value": shorten(code)},
                )
            return found
        if self.wave is None and wave_index is not None:
            self.problems.add(line, describe_column(wave_index, "wave"), _("The wave is missing."))
        return self.wave

    def _extra_cells(self, cells, width, line) -> None:
        for index in range(width, len(cells)):
            if not is_blank(cells[index]):
                self.problems.add(
                    line,
                    describe_column(index),
                    _("A value in a column without a name in the first line."),
                )
                return
