"""One language per report: a report of every kind, in Dutch and in English, carries
no label of the other language (waves, kinds of measure and wave, roles, phases,
directions, headings, the page counter), and none of its own broken inside a word."""

import re

import pytest
from django.utils import translation

from reports.models import Kind, Status
from reports.services import report_request
from research.models import MeasureType, WaveKind
from units.choices import Phase
from units.models import Role

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory
from .conftest import fill_unit, pdf_text

pytestmark = pytest.mark.django_db

# Labels a report prints, as written in the code (English); their Dutch from the catalogue.
HEADINGS = [
    "Baseline",
    "Intermediary",
    "Final",
    "Contents",
    "Measures",
    "Introduction",
    "Discussion",
    "Recommendations",
    "Change from the baseline",
    "higher is better",
    "lower is better",
    "mean difference",
    "improved",
    "worsened",
    "no clear change",
    "Sessions held",
    "Version",
    "Data as of",
]


def _labels() -> list[str]:
    labels = list(HEADINGS)
    for choices in (WaveKind, MeasureType, Phase, Role):
        labels += [str(label) for label in choices.labels]
    return labels


def _pairs() -> list[tuple[str, str]]:
    """(English, Dutch) of every label whose two languages differ."""
    english = _labels()
    with translation.override("nl"):
        dutch = [translation.gettext(label) for label in english]
    with translation.override("en"):
        english = [translation.gettext(label) for label in english]
    return [(en, nl) for en, nl in zip(english, dutch, strict=True) if en.lower() != nl.lower()]


def _found(label: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


@pytest.fixture
def programme(researcher):
    programme = ProgrammeFactory(name="Loneliness in Brabant")
    for name in ("Unit Tilburg", "Unit Breda"):
        unit = UnitFactory(programme=programme, name=name)
        MembershipFactory(unit=unit, user=researcher, role="researcher")
        fill_unit(unit, researcher)
    return programme


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", [Kind.BASELINE, Kind.INTERMEDIARY, Kind.FINAL, Kind.COMPARISON])
def test_a_report_carries_no_label_of_the_other_language(
    django_capture_on_commit_callbacks, programme, researcher, kind, language
):
    owner = (
        {"programme": programme}
        if kind == Kind.COMPARISON
        else {"unit": programme.units.get(name="Unit Tilburg")}
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(kind=kind, language=language, actor=researcher, **owner)
    report.refresh_from_db()
    assert report.status == Status.DONE, report.error
    text = pdf_text(report)

    pairs = _pairs()
    assert len(pairs) > 30
    own = [en if language == "en" else nl for en, nl in pairs]
    other = [nl if language == "en" else en for en, nl in pairs]
    assert sum(_found(label, text) for label in own) >= 8  # the test reads the right text
    assert [label for label in other if _found(label, text)] == []
    # No label is broken inside a word, with or without a hyphen ("nulm eting",
    # "Intermedia- ry"): headers wrap at spaces only.
    assert [label for label in own if _broken(label, text)] == []


def _broken(label: str, text: str) -> bool:
    words = [w for w in label.split() if len(w) >= 6]
    return any(
        f"{w[:i]} {w[i:]}" in text or f"{w[:i]}- {w[i:]}" in text
        for w in words
        for i in range(2, len(w) - 1)
    )
