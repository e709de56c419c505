"""The coding part of seed_demo: themes, material and coded passages, idempotent."""

import pytest

from phases import demo as phases_demo
from research.demo_coding import seed_coding
from research.models import CodedFragment, Material, Theme
from research.programme import COMMON, CONTEXTUAL, programme_comparison
from tests.factories import UserFactory
from units import demo as units_demo

pytestmark = pytest.mark.django_db


def test_demo_coding_gives_common_and_contextual_themes_and_is_idempotent():
    demo = units_demo.Demo()
    units_demo.seed(demo)
    phases_demo.seed(demo)
    seed_coding(demo)
    counts = (Material.objects.count(), Theme.objects.count(), CodedFragment.objects.count())
    assert counts[2] >= 8
    kinds = set()
    for fragment in CodedFragment.objects.select_related("content_type"):
        text = getattr(fragment.source, fragment.source_field)
        assert text[fragment.start : fragment.end] == fragment.text
        assert fragment.themes.exists()
        kinds.add(fragment.content_type.model)
    assert kinds == {"material", "session", "experiment"}

    data = programme_comparison(UserFactory(is_staff=True), demo.programme)
    occurrence = {t.name: t.occurrence for t in data.themes}
    assert occurrence["Tijd voor het gesprek"] == COMMON
    assert occurrence["Vertrouwen tussen bewoner en professional"] == COMMON
    assert occurrence["Signalering via de huisarts"] == CONTEXTUAL

    seed_coding(demo)
    again = (Material.objects.count(), Theme.objects.count(), CodedFragment.objects.count())
    assert again == counts
