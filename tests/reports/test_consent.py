"""A person who withdraws consent is left out of every report made after it, and the
report says how many people were left out (never who)."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from phases.models import Experiment
from reports.models import Kind
from reports.services import report_render, report_request
from research.models import CodedFragment
from units import services
from units.models import ConsentRecord, ConsentText, Membership, Role

from ..factories import (
    AttendanceFactory,
    ExperimentFactory,
    MembershipFactory,
    SessionFactory,
    ThemeFactory,
)
from .conftest import pdf_text

pytestmark = pytest.mark.django_db

WITHDRAWN_LESSON = "Mevrouw Jansen wilde eerst niet praten, later wel."


def _render(unit, researcher, language="en"):
    queued = report_request(
        unit=unit, kind=Kind.INTERMEDIARY, language=language, actor=researcher, send=False
    )
    return report_render(queued.pk)


@pytest.fixture
def withdrawing(filled_unit, researcher):
    """A family carer with a shared experiment, a coded passage of it, attendance and
    answers under respondent code "a"; consent given first."""
    unit = filled_unit
    carer = MembershipFactory(unit=unit, role=Role.FAMILY_CARER, respondent_code="a")
    experiment = ExperimentFactory(
        unit=unit, author=carer.user, title="Aan tafel", learned=WITHDRAWN_LESSON
    )
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(Experiment),
        object_id=experiment.pk,
        source_field="learned",
        start=0,
        end=len(WITHDRAWN_LESSON),
        text=WITHDRAWN_LESSON,
    )
    fragment.themes.add(ThemeFactory(unit=unit, name="Trust"))
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=10), phase=3)
    AttendanceFactory(session=session, user=carer.user, status="present")
    text = services.consent_text_publish(
        unit=unit, text_nl="Mag het?", text_en="May we?", by=researcher
    )
    services.consent_record(
        membership=carer, decision="given", method="online", by=carer.user, consent_text=text
    )
    return carer


def _withdraw(carer):
    return services.consent_record(
        membership=carer,
        decision=ConsentRecord.Decision.WITHDRAWN,
        method=ConsentRecord.Method.ONLINE,
        by=carer.user,
        consent_text=ConsentText.objects.get(unit=carer.unit),
    )


def test_withdrawal_leaves_the_person_out_of_the_next_reports_snapshot(withdrawing, researcher):
    unit = withdrawing.unit
    before = _render(unit, researcher).snapshot
    assert before["consent"] == {"left_out": 0, "respondent_codes": 0}
    assert [m["role"] for m in before["members"]].count(Role.FAMILY_CARER) == 1
    assert before["experiments"]["shared"] == 2
    assert before["statistics"]["n_respondents"] == 5
    quotes = [q["text"] for t in before["qualitative"]["themes"] for q in t["quotes"]]
    assert WITHDRAWN_LESSON in quotes

    _withdraw(withdrawing)
    after = _render(unit, researcher).snapshot

    assert after["consent"] == {"left_out": 1, "respondent_codes": 1}
    assert [m["role"] for m in after["members"]].count(Role.FAMILY_CARER) == 0
    assert after["experiments"]["shared"] == 1  # the professional's only
    assert after["statistics"]["n_respondents"] == 4  # "a" is no longer counted
    quotes = [q["text"] for t in after["qualitative"]["themes"] for q in t["quotes"]]
    assert WITHDRAWN_LESSON not in quotes
    # The session ten days ago, where only they were present, counts nobody now.
    assert before["sessions"]["list"][-1]["present"] == 1
    assert after["sessions"]["list"][-1]["present"] == 0
    # What research may keep is kept: the answers and the experiment are still there.
    assert Experiment.objects.filter(author=withdrawing.user).count() == 1
    assert unit.observations.filter(respondent="a").exists()


def test_the_report_says_how_many_people_it_leaves_out_in_its_language(withdrawing, researcher):
    _withdraw(withdrawing)
    english = pdf_text(_render(withdrawing.unit, researcher))
    assert (
        "1 person declined or withdrew consent before this report was made. Their data is "
        "left out of the whole report"
    ) in english
    assert "the research answers under 1 respondent code are not counted in the measures" in (
        english
    )
    dutch = pdf_text(_render(withdrawing.unit, researcher, language="nl"))
    assert "1 persoon heeft geen toestemming gegeven of die ingetrokken" in dutch


def test_a_report_made_before_the_withdrawal_is_not_changed(withdrawing, researcher):
    report = _render(withdrawing.unit, researcher)
    _withdraw(withdrawing)
    report.refresh_from_db()
    assert report.snapshot["consent"]["left_out"] == 0


def test_consent_given_again_brings_the_person_back(withdrawing, researcher):
    _withdraw(withdrawing)
    services.consent_record(
        membership=Membership.objects.get(pk=withdrawing.pk),
        decision="given",
        method="paper",
        by=researcher,
        consent_text=ConsentText.objects.get(unit=withdrawing.unit),
    )
    assert _render(withdrawing.unit, researcher).snapshot["consent"]["left_out"] == 0


def test_the_programme_comparison_says_so_too(withdrawing, researcher):
    from reports.services import report_request as request

    from ..factories import ProgrammeFactory

    unit = withdrawing.unit
    unit.programme = ProgrammeFactory()
    unit.save()
    _withdraw(withdrawing)
    queued = request(
        programme=unit.programme, kind=Kind.COMPARISON, language="en", actor=researcher, send=False
    )
    report = report_render(queued.pk)
    assert report.snapshot["units"][0]["consent"] == {"left_out": 1, "respondent_codes": 1}
    assert (
        "1 person declined or withdrew consent before this report was made; their data is "
        "left out of the figures of their unit."
    ) in pdf_text(report)
