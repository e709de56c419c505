"""render_report on the command line, the demo, and the phase criteria that need a report."""

import pytest
from django.core.management import CommandError, call_command

from phases.criteria import evaluate_phase
from reports.models import Kind, Report, Status
from units.choices import Phase

from ..factories import ProgrammeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_render_report_writes_the_pdf_through_the_same_path(unit, tmp_path):
    target = tmp_path / "out.pdf"

    call_command(
        "render_report", unit.slug, "baseline", "--output", str(target), "--language", "en"
    )

    report = Report.objects.get(unit=unit)
    assert report.status == Status.DONE and report.attempts == 1
    assert target.read_bytes().startswith(b"%PDF")
    assert len(target.read_bytes()) == report.pdf.size


def test_render_report_for_a_programme(tmp_path):
    programme = ProgrammeFactory()
    UnitFactory(programme=programme)

    call_command("render_report", "--programme", programme.slug, "--output", str(tmp_path))

    report = Report.objects.get(programme=programme)
    assert report.kind == Kind.COMPARISON and report.language == "nl"
    assert (tmp_path / report.download_name()).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["unit-that-does-not-exist", "baseline"], "No unit with short name"),
        (["{unit}", "midterm"], "Unknown report kind 'midterm'"),
        (["{unit}"], "Give UNIT and KIND"),
        (["--programme", "nope"], "No programme with short name"),
        (["{unit}", "final", "--programme", "x"], "not both"),
    ],
)
def test_render_report_explains_bad_arguments(unit, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *[a.format(unit=unit.slug) for a in args])
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("phase", "code", "kind"),
    [
        (Phase.BASELINE, "baseline_report", Kind.BASELINE),
        (Phase.REALIZATION, "intermediary_report", Kind.INTERMEDIARY),
        (Phase.OUTCOMES, "final_report", Kind.FINAL),
    ],
)
def test_a_phase_that_needs_a_report_is_met_once_one_is_done(unit, phase, code, kind):
    def met():
        return next(r.met for r in evaluate_phase(unit, phase) if r.code == code)

    assert met() is False
    queued = Report.objects.create(unit=unit, kind=kind, language="en", version=1)
    assert met() is False  # asked for is not made
    Report.objects.filter(pk=queued.pk).update(status=Status.DONE)
    assert met() is True
