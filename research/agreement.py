"""Agreement between two coders of the same material: Krippendorff's alpha and Cohen's kappa.

The material is cut into segments (its paragraphs, ``segments``). For each segment and each
theme, each coder's decision is yes or no: the first coder's "yes" when one of their coded
passages with that theme overlaps the segment, the second coder's when they ticked the theme
for the segment on the blind second-coding page. Per theme, the figures are computed over
the segments; overall, over every (segment, theme) decision.

Alpha comes from the ``krippendorff`` package (nominal level). Kappa is computed here, exactly
as Cohen (1960) defines it, because the one library that has it (scikit-learn) is far heavier
than this one formula; ``tests/research/test_agreement.py`` checks it against textbook values.
With fewer than 2 values in use (every decision the same), both are undefined and given as
None: agreement is then perfect by count but says nothing about reliability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import krippendorff
import numpy as np

# Fewer decisions than this: the figure is shown, but said to rest on a small sample.
SMALL_SAMPLE = 30


def segments(text: str) -> list[tuple[int, int]]:
    """The paragraphs of ``text`` as (start, end): runs of non-blank lines, trimmed."""
    result = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if end - trail > start + lead:
            result.append((start + lead, end - trail))
    return result


def cohen_kappa(first: list, second: list) -> float | None:
    """Cohen's kappa for two coders' labels of the same items: (p_o - p_e) / (1 - p_e)."""
    if len(first) != len(second):
        raise ValueError("Both coders must label the same items.")
    n = len(first)
    if n == 0:
        return None
    labels = sorted(set(first) | set(second))
    observed = sum(1 for a, b in zip(first, second, strict=True) if a == b) / n
    expected = sum((first.count(label) / n) * (second.count(label) / n) for label in labels)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(first: list, second: list) -> float | None:
    """Krippendorff's alpha (nominal) for two coders, from the ``krippendorff`` package."""
    if len(first) == 0 or len(set(first) | set(second)) < 2:
        return None
    data = np.array([first, second], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@dataclass
class Agreement:
    """The agreement on one theme (or over all themes: ``theme`` None)."""

    theme: object | None
    n: int  # decisions compared
    agreed: int
    first_yes: int
    second_yes: int
    alpha: float | None
    kappa: float | None

    @property
    def percent(self) -> float | None:
        return self.agreed / self.n if self.n else None

    @property
    def small_sample(self) -> bool:
        return self.n < SMALL_SAMPLE


def agreement(first: list[int], second: list[int], theme=None) -> Agreement:
    return Agreement(
        theme=theme,
        n=len(first),
        agreed=sum(1 for a, b in zip(first, second, strict=True) if a == b),
        first_yes=sum(first),
        second_yes=sum(second),
        alpha=krippendorff_alpha(first, second),
        kappa=cohen_kappa(first, second),
    )


def agreements(
    n_segments: int, themes: list, first: dict[int, set[int]], second: dict[int, set[int]]
) -> tuple[list[Agreement], Agreement]:
    """Per theme and overall. ``first``/``second``: segment index -> the theme ids coded."""
    per_theme = []
    all_first: list[int] = []
    all_second: list[int] = []
    for theme in themes:
        a = [int(theme.pk in first.get(i, ())) for i in range(n_segments)]
        b = [int(theme.pk in second.get(i, ())) for i in range(n_segments)]
        per_theme.append(agreement(a, b, theme))
        all_first += a
        all_second += b
    return per_theme, agreement(all_first, all_second)


# --- A comparison in the database --------------------------------------------------------


@dataclass
class SegmentRow:
    """One paragraph side by side: its text, each coder's themes, the agreed ones."""

    index: int
    text: str
    first: list
    second: list
    agreed: list | None

    @property
    def differs(self) -> bool:
        return {t.pk for t in self.first} != {t.pk for t in self.second}


@dataclass
class ComparisonResult:
    comparison: object
    rows: list[SegmentRow]
    themes: list  # the themes either coder used, by name
    per_theme: list[Agreement]
    overall: Agreement

    @property
    def disagreements(self) -> list[SegmentRow]:
        return [r for r in self.rows if r.differs]


def first_coding(material, exclude_coder=None) -> dict[int, set[int]]:
    """Segment index -> the themes of passages (of anyone but ``exclude_coder``) overlapping it."""
    from django.contrib.contenttypes.models import ContentType

    from .models import CodedFragment

    spans = segments(material.text)
    coded: dict[int, set[int]] = {}
    fragments = CodedFragment.objects.filter(
        content_type=ContentType.objects.get_for_model(material),
        object_id=material.pk,
        source_field="text",
    ).prefetch_related("themes")
    if exclude_coder is not None:
        fragments = fragments.exclude(coded_by=exclude_coder)
    for f in fragments:
        for i, (start, end) in enumerate(spans):
            if f.start < end and start < f.end:
                coded.setdefault(i, set()).update(t.pk for t in f.themes.all())
    return coded


def segment_codes(comparison, role) -> dict[int, set[int]]:
    from .models import SegmentCode

    coded: dict[int, set[int]] = {}
    for code in SegmentCode.objects.filter(comparison=comparison, role=role).prefetch_related(
        "themes"
    ):
        coded[code.segment] = {t.pk for t in code.themes.all()}
    return coded


def comparison_result(comparison) -> ComparisonResult:
    """The two codings of the material side by side with alpha and kappa per theme and overall
    (only themes either coder used count: a theme nobody used has no disagreement to show)."""
    from .models import SegmentCode, Theme

    material = comparison.material
    spans = segments(material.text)
    first = first_coding(material, exclude_coder=comparison.second_coder)
    second = segment_codes(comparison, SegmentCode.Role.SECOND)
    agreed = segment_codes(comparison, SegmentCode.Role.AGREED)
    used = set().union(*first.values(), *second.values(), *agreed.values())
    themes = list(Theme.objects.filter(pk__in=used).order_by("name"))
    by_pk = {t.pk: t for t in themes}
    rows = [
        SegmentRow(
            index=i,
            text=material.text[start:end],
            first=[by_pk[p] for p in sorted(first.get(i, ()), key=lambda p: by_pk[p].name)],
            second=[by_pk[p] for p in sorted(second.get(i, ()), key=lambda p: by_pk[p].name)],
            agreed=(
                [by_pk[p] for p in sorted(agreed[i], key=lambda p: by_pk[p].name)]
                if i in agreed
                else None
            ),
        )
        for i, (start, end) in enumerate(spans)
    ]
    compared = [t for t in themes if any(t.pk in s for s in (*first.values(), *second.values()))]
    per_theme, overall = agreements(len(spans), compared, first, second)
    return ComparisonResult(comparison, rows, themes, per_theme, overall)
