"""Reports follow the statistics page (issue 12): waves in time, change from the baseline
to the final wave (not to the wave added last), like with like across units, and the
honest words ("no clear change", too few pairs, the footnote only with a mark)."""

import pytest
from django.utils import translation

from reports.models import Kind, Status
from reports.presenting import comparison_context, unit_context
from reports.services import report_request
from reports.snapshot import programme_snapshot, unit_snapshot

from ..factories import MembershipFactory, ProgrammeFactory, UnitFactory
from ..research.analysis_data import add_values, make_measure, unit_with_waves_out_of_order
from .conftest import pdf_text

pytestmark = pytest.mark.django_db

IN_TIME = ["pilot", "baseline", "intermediary", "t2b", "final", "followup"]


def test_a_final_report_shows_baseline_to_final_in_time(unit):
    unit_with_waves_out_of_order(unit)
    snap = unit_snapshot(unit, Kind.FINAL)
    assert [w["code"] for w in snap["statistics"]["waves"]] == IN_TIME
    with translation.override("en"):
        context = unit_context(Kind.FINAL, snap)
    [row] = context["final_changes"]
    assert row["change"].n_pairs == 11
    assert row["change"].mean_difference == pytest.approx(-16 / 11)
    assert row["change"].direction == "improved"
    assert row["span"] == "Baseline → Final"
    assert context["final_changes_marked"]
    [item] = context["statistics"]["measures"]
    assert [w.code for w, _c in item["changes"]] == ["intermediary", "t2b", "final", "followup"]
    single = {w.code: c for w, c in item["changes"]}["t2b"]
    assert single.too_few and single.direction == "no_clear_change"


def test_a_programme_comparison_compares_final_with_final(unit):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    unit_with_waves_out_of_order(unit)
    other = UnitFactory(programme=programme)
    m = make_measure(other, "lonely", label="Loneliness", higher_is_better=False)
    add_values(other, m, "baseline", {"a": 4, "b": 5, "c": 4})
    add_values(other, m, "final", {"a": 3, "b": 4, "c": 4})  # -1, -1, 0: no clear change
    with translation.override("en"):
        context = comparison_context(programme_snapshot(programme))
    [entry] = context["measures"]
    assert entry["span"].kind == "final" and entry["span"].label == "Baseline → Final"
    cell = entry["cells"][unit.slug]
    assert cell["change"].n_pairs == 11 and cell["latest_wave"] == "Final"
    assert cell["change"].direction == "improved"
    other_cell = entry["cells"][other.slug]
    assert other_cell["change"].n_pairs == 3
    assert other_cell["change"].direction == "no_clear_change"
    assert not entry["scales_differ"] and context["marked"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_pdf_says_no_clear_change_and_prints_no_footnote_without_a_mark(
    django_capture_on_commit_callbacks, unit, researcher, language
):
    m = make_measure(unit, "wellbeing", label="Wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6, "c": 5})
    add_values(unit, m, "final", {"a": 6, "b": 7, "c": 8})  # 2, 1, 3: CI includes 0
    add_values(unit, m, "intermediary", {"a": 5})  # one pair
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(unit=unit, kind=Kind.FINAL, language=language, actor=researcher)
    report.refresh_from_db()
    assert report.status == Status.DONE, report.error
    text = pdf_text(report)
    if language == "en":
        # the summary, the table (intermediary: 1 pair; final: CI includes 0), the method note
        assert text.count("no clear change") == 4
        assert text.count("improved") == 1  # the method note only
        assert "only 1 pair: too few for a confidence interval" in text
        assert "does not include 0" not in text.replace("does not include 0, otherwise", "")
        assert "How we compute" in text
    else:
        assert text.count("geen duidelijke verandering") == 4
        assert text.count("verbeterd") == 1
        assert "alleen 1 paar: te weinig voor een betrouwbaarheidsinterval" in text
        assert "Zo rekenen we" in text


def test_the_pdf_prints_the_footnote_with_a_mark(
    django_capture_on_commit_callbacks, unit, researcher
):
    unit_with_waves_out_of_order(unit)
    MembershipFactory(unit=unit, role="researcher")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(unit=unit, kind=Kind.FINAL, language="en", actor=researcher)
    report.refresh_from_db()
    text = pdf_text(report)
    assert "* The 95% confidence interval does not include 0." in text
    assert "improved" in text
