"""A codebook file read into checked measure specs: ``CodebookReader``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import MeasureType, Respondent
from .problems import FileUnreadable, Problems, describe_column, shorten
from .tables import Row, TableReader, cell_text, first_nonblank, is_blank
from .values import NO, YES, ValueProblem, parse_number, unneutralise

CODEBOOK_COLUMNS = (
    "code",
    "label",
    "construct",
    "type",
    "min",
    "max",
    "higher_is_better",
    "respondent",
    "missing",
)
# Dutch (and other) words researchers write in a codebook, for its columns and values.
COLUMN_WORDS = {
    "omschrijving": "label",
    "naam": "label",
    "constructen": "construct",
    "soort": "type",
    "minimum": "min",
    "maximum": "max",
    "hoger_is_beter": "higher_is_better",
    "respondenten": "respondent",
    "ontbrekend": "missing",
    "missing_codes": "missing",
    "ontbrekende_waarden": "missing",
}
TYPE_WORDS = {
    "numeriek": MeasureType.NUMERIC,
    "getal": MeasureType.NUMERIC,
    "number": MeasureType.NUMERIC,
    "likertschaal": MeasureType.LIKERT,
    "likert_scale": MeasureType.LIKERT,
    "ja/nee": MeasureType.YESNO,
    "janee": MeasureType.YESNO,
    "ja_nee": MeasureType.YESNO,
    "ja-nee": MeasureType.YESNO,
    "yes/no": MeasureType.YESNO,
    "yes_no": MeasureType.YESNO,
    "boolean": MeasureType.YESNO,
    "tekst": MeasureType.TEXT,
    "string": MeasureType.TEXT,
}
RESPONDENT_WORDS = {
    "cliënt": Respondent.CLIENT,
    "cliënten": Respondent.CLIENT,
    "clienten": Respondent.CLIENT,
    "deelnemer": Respondent.CLIENT,
    "professionals": Respondent.PROFESSIONAL,
    "professioneel": Respondent.PROFESSIONAL,
    "mantelzorger": Respondent.CARER,
    "mantelzorgers": Respondent.CARER,
    "family_carer": Respondent.CARER,
    "family carer": Respondent.CARER,
    "naaste": Respondent.CARER,
    "naasten": Respondent.CARER,
    "anders": Respondent.OTHER,
    "overig": Respondent.OTHER,
    "ander": Respondent.OTHER,
}
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
    missing_codes: str = ""


class _Row:
    """One line of a codebook: its cells by column name."""

    def __init__(self, line: int, cells: list, names: list[str], index_of: dict[str, int]):
        self.line = line
        self.cells = cells
        self.names = names
        self.index_of = index_of

    def get(self, key) -> str:
        index = self.index_of.get(key)
        if index is None or index >= len(self.cells):
            return ""
        return cell_text(self.cells[index])

    def column(self, key) -> str:
        return describe_column(self.index_of[key], self.names[self.index_of[key]])


class CodebookReader:
    """Reads a codebook; every problem found goes into ``problems``."""

    def __init__(self, *, sheet: str = ""):
        self.sheet = sheet
        self.decimal = None
        self.problems = Problems()
        self.types = {t.value for t in MeasureType}
        self.respondents = {r.value for r in Respondent}

    def read(self, fileobj, *, filename: str = "") -> list[MeasureSpec]:
        """The measures of the file, checked; none when it has any problem."""
        try:
            table = TableReader(fileobj, filename, sheet=self.sheet)
            specs = self.specs(self._with_decimal(table))
        except FileUnreadable as exc:
            self.problems.add(exc.line, None, exc.message)
            return []
        if not self.problems and not specs:
            self.problems.add(2, None, _("The file has a header line but no measures."))
        return specs

    def _with_decimal(self, table: TableReader) -> Iterator[Row]:
        for line, cells in table.rows():
            self.decimal = table.decimal
            yield line, [unneutralise(c) for c in cells]

    def specs(self, rows: Iterator[Row]) -> list[MeasureSpec]:
        first = first_nonblank(rows)
        if first is None:
            self.problems.add(1, None, _("The file is empty."))
            return []
        names, index_of = self._columns(*first)
        if self.problems:
            return []
        specs = []
        lines_of: dict[str, int] = {}
        for line, cells in rows:
            if all(is_blank(c) for c in cells):
                continue
            before = self.problems.total
            spec = self._spec(_Row(line, cells, names, index_of), lines_of)
            if self.problems.total == before:
                specs.append(spec)
        return specs

    def _columns(self, header_line, header) -> tuple[list[str], dict[str, int]]:
        names = [cell_text(c) for c in header]
        index_of = {}
        for index, name in enumerate(names):
            key = name.casefold().replace(" ", "_")
            key = COLUMN_WORDS.get(key, key)
            if not key:
                continue
            if key not in CODEBOOK_COLUMNS:
                self.problems.add(
                    header_line,
                    describe_column(index, name),
                    _("“%(name)s” is not a codebook column (expected: %(columns)s).")
                    % {"name": shorten(name), "columns": ", ".join(CODEBOOK_COLUMNS)},
                )
            elif key in index_of:
                self.problems.add(
                    header_line,
                    describe_column(index, name),
                    _("The column “%(name)s” appears twice.") % {"name": name},
                )
            else:
                index_of[key] = index
        for required in ("code", "label", "type"):
            if required not in index_of:
                self.problems.add(
                    header_line, None, _("The column “%(name)s” is missing.") % {"name": required}
                )
        return names, index_of

    def _spec(self, row: _Row, lines_of: dict[str, int]) -> MeasureSpec:
        """The spec of one line; its problems added (the caller drops it then)."""
        problems, line = self.problems, row.line
        code = row.get("code")
        if not _code_re.match(code):
            problems.add(
                line,
                row.column("code"),
                _("“%(value)s” is not a code: use letters, digits and underscores.")
                % {"value": shorten(code)}
                if code
                else _("The code is missing."),
            )
        elif code.casefold() in lines_of:
            problems.add(
                line,
                row.column("code"),
                _("The code “%(code)s” appears twice (also on line %(other)s).")
                % {"code": code, "other": lines_of[code.casefold()]},
            )
        else:
            lines_of[code.casefold()] = line
        label = row.get("label")
        if not label:
            problems.add(line, row.column("label"), _("The label is missing."))
        elif len(label) > 200:
            problems.add(line, row.column("label"), _("The label is longer than 200 characters."))
        construct = row.get("construct")
        if len(construct) > 200:
            problems.add(
                line, row.column("construct"), _("The construct is longer than 200 characters.")
            )
        kind = row.get("type").casefold()
        kind = str(TYPE_WORDS.get(kind, kind))
        if kind not in self.types:
            problems.add(
                line,
                row.column("type"),
                _(
                    "“%(value)s” is not a type (use numeric, likert, yesno or text; or "
                    "numeriek, likert, ja/nee or tekst)."
                )
                % {"value": shorten(row.get("type"))},
            )
        bounds = {key: self._bound(row, key, kind) for key in ("min", "max")}
        if (
            bounds["min"] is not None
            and bounds["max"] is not None
            and bounds["max"] <= bounds["min"]
        ):
            problems.add(line, row.column("max"), _("The maximum must be above the minimum."))
        return MeasureSpec(
            line=line,
            code=code,
            label=label,
            construct=construct,
            type=kind,
            min_value=bounds["min"],
            max_value=bounds["max"],
            higher_is_better=self._higher_is_better(row),
            respondent=self._respondent(row),
            missing_codes=self._missing(row),
        )

    def _missing(self, row: _Row) -> str:
        codes = "; ".join(c.strip() for c in row.get("missing").split(";") if c.strip())
        if len(codes) > 200:
            self.problems.add(
                row.line,
                row.column("missing"),
                _("The missing codes are longer than 200 characters."),
            )
        return codes

    def _bound(self, row: _Row, key: str, kind: str) -> float | None:
        raw = row.get(key)
        if raw:
            try:
                return parse_number(raw, self.decimal)
            except ValueProblem as exc:
                self.problems.add(row.line, row.column(key), str(exc))
        elif kind in (MeasureType.NUMERIC, MeasureType.LIKERT):
            self.problems.add(
                row.line,
                row.column(key) if key in row.index_of else key,
                _("Numeric and likert measures need a %(bound)s.")
                % {"bound": _("minimum") if key == "min" else _("maximum")},
            )
        return None

    def _higher_is_better(self, row: _Row) -> bool:
        raw = row.get("higher_is_better").casefold()
        if not raw or raw in YES:
            return True
        if raw in NO:
            return False
        self.problems.add(
            row.line,
            row.column("higher_is_better"),
            _("“%(value)s” is not yes or no (use ja/nee, yes/no, 1/0 or true/false).")
            % {"value": shorten(row.get("higher_is_better"))},
        )
        return True

    def _respondent(self, row: _Row) -> str:
        respondent = row.get("respondent").casefold() or "client"
        respondent = str(RESPONDENT_WORDS.get(respondent, respondent))
        if respondent not in self.respondents:
            self.problems.add(
                row.line,
                row.column("respondent"),
                _(
                    "“%(value)s” is not a respondent (use client, professional, carer or other; "
                    "or cliënt, professional, mantelzorger or anders)."
                )
                % {"value": shorten(row.get("respondent"))},
            )
        return respondent
