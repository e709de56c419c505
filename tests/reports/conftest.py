"""A unit with something in every section of a report, and helpers to read PDFs."""

import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from pypdf import PdfReader

from phases.models import Experiment
from research.models import CodedFragment
from units.models import Role

from ..factories import (
    ActionStepFactory,
    AttendanceFactory,
    BaselineItemFactory,
    ExperimentFactory,
    GoalFactory,
    MaterialFactory,
    MembershipFactory,
    ProductFactory,
    SessionFactory,
    ThemeFactory,
)
from ..research.analysis_data import add_values, make_measure

SHARED_LESSON = "Sitting at the kitchen table made the talk easier."
DRAFT_LESSON = "Private: I was unsure whether to tell my manager."


def fill_unit(unit, researcher):
    """Measures with three waves, a plan, experiments, sessions and coded themes."""
    wellbeing = make_measure(unit, "wellbeing", label="Wellbeing", minimum=1, maximum=5)
    add_values(unit, wellbeing, "baseline", {"a": 2, "b": 3, "c": 3, "d": 4, "e": 2})
    add_values(unit, wellbeing, "intermediary", {"a": 3, "b": 3, "c": 4, "d": 4, "e": 3})
    add_values(unit, wellbeing, "final", {"a": 4, "b": 4, "c": 4, "d": 5, "e": 3})
    network = make_measure(unit, "network", label="Has a network", type="yesno")
    add_values(unit, network, "baseline", {"a": 0, "b": 1, "c": 0, "d": 0})
    add_values(unit, network, "final", {"a": 1, "b": 1, "c": 0, "d": 1})

    professional = MembershipFactory(unit=unit, role=Role.PROFESSIONAL).user
    goal = GoalFactory(unit=unit, text="Recognise loneliness at the first visit")
    ActionStepFactory(goal=goal, owner=professional, status="done")
    ActionStepFactory(goal=goal, owner=professional)
    ExperimentFactory(unit=unit, author=professional, goal=goal, learned=SHARED_LESSON)
    draft = ExperimentFactory(
        unit=unit, author=professional, learned=DRAFT_LESSON, visibility="draft"
    )
    BaselineItemFactory(unit=unit, text="Professionals know the neighbourhood well.")
    ProductFactory(unit=unit, title="Conversation guide for first visits")

    past = timezone.now() - timedelta(days=20)
    session = SessionFactory(unit=unit, starts_at=past, phase=3)
    AttendanceFactory(session=session, user=professional, status="present")
    AttendanceFactory(session=session, user=researcher, status="absent")

    theme = ThemeFactory(unit=unit, name="Being taken seriously", factor="common")
    material = MaterialFactory(unit=unit)
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(material),
        object_id=material.pk,
        start=0,
        end=40,
        text="She felt taken seriously when the carer was asked to join.",
    )
    fragment.themes.add(theme)
    hidden = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(Experiment),
        object_id=draft.pk,
        source_field="learned",
        start=0,
        end=20,
        text=DRAFT_LESSON,
    )
    hidden.themes.add(theme)
    return unit


@pytest.fixture
def filled_unit(unit, researcher):
    return fill_unit(unit, researcher)


def pdf_text(report) -> str:
    report.pdf.open("rb")
    try:
        reader = PdfReader(io.BytesIO(report.pdf.read()))
    finally:
        report.pdf.close()
    # Collapse whitespace: table cells and line breaks come out as spaces or newlines.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
