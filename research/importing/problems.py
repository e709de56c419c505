"""Problems found in a file: line as in the file, column, reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_PROBLEMS_KEPT = 500


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as a spreadsheet names columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def describe_column(index: int, name: str | None = None) -> str:
    letter = column_letter(index)
    return f"{letter} ({name})" if name else letter


def shorten(raw) -> str:
    """A cell's value as quoted in a problem: at most 40 characters."""
    text = str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


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
