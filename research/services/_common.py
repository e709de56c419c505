"""Helpers shared by the research services."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File


def lock_unit(unit) -> None:
    """Serialise writes of codes in one unit (two clicks, two tabs): the second
    request waits for the first and then sees its row (PostgreSQL; SQLite has
    one writer anyway)."""
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()


def open_file(file, filename=""):
    """A binary file object and a file name, from a path, a Django File or a file object."""
    if isinstance(file, str | Path):
        return open(file, "rb"), filename or str(file)  # noqa: SIM115 - closed by the caller
    name = filename or getattr(file, "name", "") or ""
    if isinstance(file, File) and file.closed:
        file.open("rb")
    return file, name
