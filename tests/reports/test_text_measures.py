"""Text measures are in the report: their number of answers per wave and a few answers
by respondent code (a pseudonym), instead of being left out without a word."""

import pytest

from reports.models import Kind, Status
from reports.services import report_request
from reports.snapshot import unit_snapshot

from ..research.analysis_data import add_values, make_measure
from .conftest import pdf_text

pytestmark = pytest.mark.django_db

ANSWERS = {
    "R-01": "The neighbour now drops by on Sundays.",
    "R-02": "Nothing changed for me.",
    "R-03": "I joined the walking group.",
    "R-04": "My daughter visits more often.",
    "R-05": "I phone the helpline less.",
}


def test_a_report_shows_a_text_measure_by_its_answers(
    django_capture_on_commit_callbacks, unit, researcher
):
    story = make_measure(unit, "story", label="What changed for you", type="text")
    add_values(unit, story, "baseline", ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(unit=unit, kind=Kind.BASELINE, language="en", actor=researcher)
    report.refresh_from_db()
    assert report.status == Status.DONE, report.error

    shown = unit_snapshot(unit, Kind.BASELINE)["text_answers"]["story"]
    assert len(shown) == 3
    text = pdf_text(report)
    assert "What changed for you" in text
    assert "answers 5" in text  # the count row: five answers at the baseline
    assert "3 of the answers, by respondent code:" in text
    quoted = [code for code, answer in ANSWERS.items() if answer in text]
    assert quoted == [a["respondent"] for a in shown]
    for code in quoted:
        assert f"{code} · Baseline" in text
