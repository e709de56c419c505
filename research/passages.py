"""Passages of a source text: finding them, checking their offsets, highlighting them.

Plain functions on text, no queries.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .sources import normalise_newlines


def highlighted_segments(text: str, fragments) -> list[tuple[str, int]]:
    """The text cut into (piece, number of coded passages covering it), in order.

    Used to show coded passages highlighted without any markup in the text
    itself; a passage whose offsets no longer fit the text is left out.
    """
    bounds = {0, len(text)}
    spans = []
    for f in fragments:
        if 0 <= f.start < f.end <= len(text):
            spans.append((f.start, f.end))
            bounds.update((f.start, f.end))
    cuts = sorted(bounds)
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        depth = sum(1 for s, e in spans if s <= a and b <= e)
        segments.append((text[a:b], depth))
    return segments


def locate_passage(text: str, passage: str, near: int | None = None) -> tuple[int, int] | None:
    """Where ``passage`` occurs in ``text``: (start, end), or None.

    Tries the exact passage first, then ignores differences in whitespace
    (a passage pasted from an e-mail or a PDF often has other line breaks).
    With several occurrences, the one closest to ``near`` wins.
    """
    passage = normalise_newlines(passage).strip()
    if not passage:
        return None
    starts = [m.start() for m in re.finditer(re.escape(passage), text)]
    if starts:
        start = _closest(starts, near)
        return start, start + len(passage)
    words = passage.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    matches = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if matches:
        start = _closest([s for s, _e in matches], near)
        return next(m for m in matches if m[0] == start)
    return None


def _closest(starts: list[int], near: int | None) -> int:
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: abs(s - near))


def resolve_offsets(
    text: str, *, start: int | None, end: int | None, passage: str
) -> tuple[int, int]:
    """The offsets of the passage to code, checked against the source text.

    Offsets from the browser are used when they select exactly the passage;
    otherwise (no JavaScript, or the text changed meanwhile) the passage is
    looked up in the text. Raises ValidationError when the passage is not in it.
    """
    passage = normalise_newlines(passage)
    if start is not None and end is not None:
        if not (0 <= start < end <= len(text)):
            raise ValidationError(
                gettext("The selected passage lies outside the text of the source."),
                code="outside",
            )
        selected = text[start:end]
        if not passage.strip() or selected.strip() == passage.strip():
            # Trim surrounding whitespace so the passage starts at its first word.
            lead = len(selected) - len(selected.lstrip())
            trail = len(selected) - len(selected.rstrip())
            if end - trail <= start + lead:
                raise ValidationError(gettext("The selected passage is empty."), code="empty")
            return start + lead, end - trail
    found = locate_passage(text, passage, near=start)
    if found is None:
        raise ValidationError(
            gettext("This passage does not occur in the text of the source."),
            code="not_found",
        )
    return found


def split_theme_names(raw: str) -> list[str]:
    """New theme names typed as a comma- or semicolon-separated list."""
    seen, names = set(), []
    for name in re.split(r"[,;\n]", raw or ""):
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names
