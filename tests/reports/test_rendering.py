"""Rendering each kind of report, in-process, and reading the PDF back."""

import hashlib

import pytest
from django.utils import translation

from reports.models import Kind, Report, Status
from reports.services import report_request
from research.statistics import unit_statistics
from research.templatetags.research_format import num2, signed2

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory
from .conftest import DRAFT_LESSON, SHARED_LESSON, fill_unit, pdf_text

pytestmark = pytest.mark.django_db


def _request(django_capture_on_commit_callbacks, **kwargs) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(**kwargs)
    report.refresh_from_db()
    return report


def _figures(unit, language):
    """The figures as the statistics page prints them in ``language``."""
    stats = unit_statistics(unit).measure("wellbeing")
    final_change = next(c.change for c in stats.changes if c.wave_code == "final")
    with translation.override(language):
        return {
            "baseline_mean": num2(stats.for_wave("baseline").mean),
            "baseline_sd": num2(stats.for_wave("baseline").sd),
            "final_mean": num2(stats.for_wave("final").mean),
            "difference": signed2(final_change.mean_difference),
            "ci_low": num2(final_change.ci_low),
            "effect": num2(final_change.effect_size),
        }


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_final_report_prints_the_numbers_of_the_statistics_page(
    django_capture_on_commit_callbacks, filled_unit, researcher, language
):
    report = _request(
        django_capture_on_commit_callbacks,
        unit=filled_unit,
        kind=Kind.FINAL,
        language=language,
        actor=researcher,
    )

    assert report.status == Status.DONE, report.error
    assert report.progress == 100 and report.attempts == 1
    assert report.page_count and report.page_count > 3
    report.pdf.open("rb")
    assert hashlib.sha256(report.pdf.read()).hexdigest() == report.sha256
    report.pdf.close()
    text = pdf_text(report)
    figures = _figures(filled_unit, language)
    for name, value in figures.items():
        assert value in text, (name, value)
    # 3,00 in Dutch, 3.00 in English: the language chosen when asking.
    assert ("," in figures["baseline_mean"]) is (language == "nl")
    assert filled_unit.name in text
    assert "Conversation guide for first visits" in text  # products (final only)
    assert SHARED_LESSON in text
    assert DRAFT_LESSON not in text  # private drafts are never quoted
    assert "She felt taken seriously" in text
    if language == "nl":
        assert "Eindrapportage" in text


def test_a_baseline_report_shows_the_baseline_only(
    django_capture_on_commit_callbacks, filled_unit, researcher
):
    report = _request(
        django_capture_on_commit_callbacks,
        unit=filled_unit,
        kind=Kind.BASELINE,
        language="en",
        actor=researcher,
    )

    assert report.status == Status.DONE, report.error
    text = pdf_text(report)
    assert _figures(filled_unit, "en")["baseline_mean"] in text
    assert "Final report" not in text
    assert "Conversation guide for first visits" not in text
    assert "Contents" in text and "Page 1 of" not in text  # no footer on the title page
    assert f"Page 3 of {report.page_count}" in text


def test_an_intermediary_report_shows_the_change_to_halfway(
    django_capture_on_commit_callbacks, filled_unit, researcher
):
    report = _request(
        django_capture_on_commit_callbacks,
        unit=filled_unit,
        kind=Kind.INTERMEDIARY,
        language="en",
        actor=researcher,
    )

    assert report.status == Status.DONE, report.error
    stats = unit_statistics(filled_unit).measure("wellbeing")
    halfway = next(c.change for c in stats.changes if c.wave_code == "intermediary")
    text = pdf_text(report)
    assert signed2(halfway.mean_difference) in text
    assert "Recognise loneliness at the first visit" in text


def test_a_programme_comparison_puts_the_units_side_by_side(
    django_capture_on_commit_callbacks, researcher
):
    programme = ProgrammeFactory(name="Loneliness in Brabant")
    first = UnitFactory(programme=programme, name="Unit Tilburg")
    second = UnitFactory(programme=programme, name="Unit Breda")
    fill_unit(first, MembershipFactory(unit=first, role="researcher").user)
    fill_unit(second, MembershipFactory(unit=second, role="researcher").user)

    report = _request(
        django_capture_on_commit_callbacks,
        programme=programme,
        kind=Kind.COMPARISON,
        language="nl",
        actor=researcher,
    )

    assert report.status == Status.DONE, report.error
    text = pdf_text(report)
    assert "Unit Tilburg" in text and "Unit Breda" in text
    assert _figures(first, "nl")["baseline_mean"] in text
    assert report.version == 1
    assert report.download_name() == f"{programme.slug}-comparison-v1-nl.pdf"


def test_versions_are_numbered_per_unit_and_kind(
    django_capture_on_commit_callbacks, unit, researcher
):
    first = report_request(
        unit=unit, kind=Kind.BASELINE, language="en", actor=researcher, send=False
    )
    second = report_request(
        unit=unit, kind=Kind.BASELINE, language="nl", actor=researcher, send=False
    )
    other = report_request(unit=unit, kind=Kind.FINAL, language="en", actor=researcher, send=False)

    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.status == Status.QUEUED and first.requested_by == researcher
