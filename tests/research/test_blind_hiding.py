"""Blind coding is blind (issue 18): while a second coder codes a material blind, no page,
list or export shows them the first coder's passages of that material; after they submit,
every one does. The first coder and other materials are not affected."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from research.agreement import segments
from research.models import CodedFragment
from research.selectors import get_source, visible_fragments
from research.services.agreement import comparison_start, second_coding_save
from research.services.coding import fragment_create
from research.services.evidence import factor_create
from tests.factories import (
    MaterialFactory,
    MembershipFactory,
    ProgrammeFactory,
    ThemeFactory,
    UnitFactory,
)
from units.models import Role


@pytest.fixture
def blind(db):
    """Material "Interview" coded twice with Trust by a first researcher, "Notes" once;
    a second researcher codes "Interview" blind (not submitted)."""
    unit = UnitFactory(programme=ProgrammeFactory())
    first = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    second = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    interview = MaterialFactory(unit=unit, title="Interview", text="Felt heard.\nWaited long.")
    notes = MaterialFactory(unit=unit, title="Notes", text="Trust grew.")
    trust = ThemeFactory(unit=unit, name="Trust")
    for material, (start, end) in [
        (interview, segments(interview.text)[0]),
        (interview, segments(interview.text)[1]),
        (notes, (0, 11)),
    ]:
        fragment = CodedFragment.objects.create(
            unit=unit,
            content_type=ContentType.objects.get_for_model(material),
            object_id=material.pk,
            start=start,
            end=end,
            text=material.text[start:end],
            coded_by=first,
            knowledge_sources=["experiential"],
        )
        fragment.themes.set([trust])
    factor = factor_create(programme=unit.programme, name="Trust", themes=[trust])
    comparison = comparison_start(material=interview, second_coder=second)
    return unit, first, second, trust, factor, comparison


def _texts(fragments):
    return sorted(f.text for f in fragments)


def _pages(client, unit, trust, factor) -> dict:
    """What each page shows of the passages: their texts or counts."""
    slug = unit.slug
    themes = client.get(reverse("research:themes", kwargs={"slug": slug})).context["themes"]
    detail = client.get(reverse("research:theme_detail", kwargs={"slug": slug, "pk": trust.pk}))
    materials = client.get(reverse("research:materials", kwargs={"slug": slug}))
    export = client.get(reverse("research:fragments_export", kwargs={"slug": slug}))
    knowledge = client.get(reverse("research:knowledge", kwargs={"slug": slug}))
    programme_slug = unit.programme.slug
    table = client.get(reverse("research_programme:factors", kwargs={"slug": programme_slug}))
    chain = client.get(
        reverse("research_programme:factor", kwargs={"slug": programme_slug, "pk": factor.pk})
    )
    return {
        "theme count": next(t.n_fragments for t in themes if t.pk == trust.pk),
        "theme page": _texts(detail.context["fragments"]),
        "materials": {m.title: m.n_fragments for m in materials.context["materials"]},
        "export rows": len(export.content.decode("utf-8-sig").strip().splitlines()) - 1,
        "knowledge": next(r for r in knowledge.context["rows"] if r.key == "passages").total,
        "factor table": table.context["rows"][0].passages_total,
        "evidence chain": _texts(chain.context["chains"][0].passages),
    }


SEEN_BY_ALL = {
    "theme count": 3,
    "theme page": ["Felt heard.", "Trust grew.", "Waited long."],
    "materials": {"Interview": 2, "Notes": 1},
    "export rows": 3,
    "knowledge": 3,
    "factor table": 3,
    "evidence chain": ["Felt heard.", "Trust grew.", "Waited long."],
}


def test_the_blind_coder_sees_no_passage_of_the_material_until_submitted(blind, client_for):
    unit, first, second, trust, factor, comparison = blind
    assert _pages(client_for(second), unit, trust, factor) == {
        "theme count": 1,
        "theme page": ["Trust grew."],
        "materials": {"Interview": 0, "Notes": 1},
        "export rows": 1,
        "knowledge": 1,
        "factor table": 1,
        "evidence chain": ["Trust grew."],
    }
    # The first coder sees all of it meanwhile.
    assert _pages(client_for(first), unit, trust, factor) == SEEN_BY_ALL
    second_coding_save(comparison=comparison, actor=second, codes={0: [trust]}, submit=True)
    assert _pages(client_for(second), unit, trust, factor) == SEEN_BY_ALL


def test_the_blind_coder_cannot_code_passages_of_the_material_meanwhile(blind):
    unit, _first, second, trust, _factor, comparison = blind
    interview = comparison.material
    source = get_source(unit, "material", interview.pk, "text")
    with pytest.raises(ValidationError) as refused:
        fragment_create(source=source, actor=second, passage="Felt heard.", themes=[trust])
    assert refused.value.messages == [
        "You are coding this material blind: submit your blind coding first, then code its "
        "passages here."
    ]
    assert CodedFragment.objects.filter(coded_by=second).count() == 0


def test_the_first_coder_sees_no_passage_the_blind_coder_coded_until_submitted(blind, client_for):
    """Blind both ways: a passage the second coder has in the material however it got there
    (the admin, an earlier version) stays theirs until they submit."""
    unit, first, second, trust, factor, comparison = blind
    interview = comparison.material
    start, end = segments(interview.text)[1]
    theirs = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(interview),
        object_id=interview.pk,
        start=start,
        end=end,
        text="Waited long.",
        coded_by=second,
    )
    theirs.themes.set([trust])
    coding_page = reverse(
        "research:code_source",
        kwargs={"slug": unit.slug, "kind": "material", "pk": interview.pk, "field": "text"},
    )

    first_client = client_for(first)
    assert _pages(first_client, unit, trust, factor) == SEEN_BY_ALL
    assert [f.coded_by for f in first_client.get(coding_page).context["fragments"]] == [
        first,
        first,
    ]
    assert _texts(visible_fragments(unit)) == ["Felt heard.", "Trust grew.", "Waited long."]

    second_coding_save(comparison=comparison, actor=second, codes={1: [trust]}, submit=True)
    after = {
        **SEEN_BY_ALL,
        "theme count": 4,
        "theme page": ["Felt heard.", "Trust grew.", "Waited long.", "Waited long."],
        "materials": {"Interview": 3, "Notes": 1},
        "export rows": 4,
        "knowledge": 4,
        "factor table": 4,
        "evidence chain": ["Felt heard.", "Trust grew.", "Waited long.", "Waited long."],
    }
    assert _pages(first_client, unit, trust, factor) == after
    assert len(first_client.get(coding_page).context["fragments"]) == 3
