"""Agreement between coders: alpha and kappa against textbook values, a blind second
coding, the disagreements side by side and the agreed coding (issue 18)."""

import math

import krippendorff
import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from research.agreement import (
    cohen_kappa,
    comparison_result,
    krippendorff_alpha,
    segments,
)
from research.models import CodedFragment, CodingComparison, SegmentCode
from research.services.agreement import (
    agreed_coding_save,
    comparison_start,
    second_coding_save,
)
from tests.factories import MaterialFactory, MembershipFactory, ThemeFactory
from units.models import Role

NAN = math.nan


def test_krippendorff_reliability_data_example():
    """Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers,
    12 units, missing values; alpha nominal 0.743, ordinal 0.815, interval 0.849."""
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
    assert (
        round(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), 3) == 0.743
    )
    assert (
        round(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"), 3) == 0.815
    )
    assert (
        round(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"), 3)
        == 0.849
    )


def test_two_coders_binary_example_from_krippendorff():
    """Krippendorff (2011), two observers, ten units, binary data: alpha = 0.095."""
    first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(krippendorff_alpha(first, second), 3) == 0.095
    # Kappa on the same data: p_o = 0.6, p_e = 0.2*0.4 + 0.8*0.6 = 0.56.
    assert cohen_kappa(first, second) == pytest.approx((0.6 - 0.56) / (1 - 0.56))


def test_cohen_kappa_textbook_example():
    """50 items, yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o 0.7, p_e 0.5, kappa 0.4."""
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_cohen_kappa_three_categories_landis_koch_style():
    """Fleiss, Levin & Paik (2003) style 3x3 table: rows A [22,2,2], B [2,8,1], C [1,1,11]."""
    first, second = [], []
    table = {("A", "A"): 22, ("A", "B"): 2, ("A", "C"): 2, ("B", "A"): 2, ("B", "B"): 8,
             ("B", "C"): 1, ("C", "A"): 1, ("C", "B"): 1, ("C", "C"): 11}  # fmt: skip
    for (a, b), n in table.items():
        first += [a] * n
        second += [b] * n
    n = 50
    p_o = (22 + 8 + 11) / n
    p_e = (26 * 25 + 11 * 11 + 13 * 14) / n**2
    assert cohen_kappa(first, second) == pytest.approx((p_o - p_e) / (1 - p_e))


def test_undefined_when_nothing_varies():
    assert krippendorff_alpha([1, 1, 1], [1, 1, 1]) is None
    assert cohen_kappa([1, 1, 1], [1, 1, 1]) is None


def test_paragraphs_are_non_blank_lines():
    text = "First line.\n\n  Second line.  \nThird."
    assert [text[a:b] for a, b in segments(text)] == ["First line.", "Second line.", "Third."]


@pytest.fixture
def coded(unit):
    """A material of four paragraphs coded by a first researcher with two themes."""
    first = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    second = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    material = MaterialFactory(
        unit=unit,
        text="She felt heard.\nThe carer joined.\nWaiting lists remain.\nShe felt heard again.",
    )
    trust, waiting = ThemeFactory(unit=unit, name="Trust"), ThemeFactory(unit=unit, name="Waiting")
    spans = segments(material.text)

    def code(index, theme):
        start, end = spans[index]
        f = CodedFragment.objects.create(
            unit=unit,
            content_type=ContentType.objects.get_for_model(material),
            object_id=material.pk,
            start=start,
            end=end,
            text=material.text[start:end],
            coded_by=first,
        )
        f.themes.set([theme])

    code(0, trust)
    code(2, waiting)
    code(3, trust)
    return material, first, second, trust, waiting


def test_blind_coding_compared_per_theme_with_the_library(coded):
    material, first, second, trust, waiting = coded
    with pytest.raises(ValidationError):
        comparison_start(material=material, second_coder=first)  # coded it already
    comparison = comparison_start(material=material, second_coder=second)
    with pytest.raises(PermissionDenied):
        second_coding_save(comparison=comparison, actor=first, codes={}, submit=True)
    second_coding_save(
        comparison=comparison,
        actor=second,
        codes={0: [trust], 1: [trust], 2: [waiting], 3: []},
        submit=True,
    )
    result = comparison_result(comparison)
    by_theme = {a.theme.name: a for a in result.per_theme}
    # Trust: first [1,0,0,1], second [1,1,0,0]; Waiting: [0,0,1,0] both.
    assert by_theme["Trust"].alpha == pytest.approx(
        krippendorff.alpha(
            reliability_data=np.array([[1, 0, 0, 1], [1, 1, 0, 0]]), level_of_measurement="nominal"
        )  # fmt: skip
    )
    assert by_theme["Trust"].kappa == pytest.approx(0.0)
    assert by_theme["Waiting"].alpha == pytest.approx(1.0)
    assert by_theme["Waiting"].kappa == pytest.approx(1.0)
    overall = result.overall
    assert (overall.n, overall.agreed) == (8, 6)
    assert overall.kappa == pytest.approx(
        cohen_kappa([1, 0, 0, 1, 0, 0, 1, 0], [1, 1, 0, 0, 0, 0, 1, 0])
    )
    assert overall.small_sample
    assert [r.index for r in result.disagreements] == [1, 3]


def test_the_second_coder_sees_nothing_of_the_first_coding_until_submitted(coded, client_for, unit):
    material, first, second, trust, _waiting = coded
    comparison = comparison_start(material=material, second_coder=second)
    client = client_for(second)
    # The material's coding page and the comparison page send them to the blind page.
    coding_url = reverse(
        "research:code_source",
        kwargs={"slug": unit.slug, "kind": "material", "pk": material.pk, "field": "text"},
    )
    blind_url = reverse("research:blind_coding", kwargs={"slug": unit.slug, "pk": comparison.pk})
    assert client.get(coding_url).url == blind_url
    compare_url = reverse("research:comparison", kwargs={"slug": unit.slug, "pk": comparison.pk})
    assert client.get(compare_url).url == blind_url
    response = client.get(blind_url)
    assert response.status_code == 200
    assert "checked" not in response.content.decode()
    # The first coder cannot open the blind page, nor see figures before submission.
    assert client_for(first).get(blind_url).status_code == 403
    assert client_for(first).get(compare_url).context["result"] is None
    response = client.post(blind_url, {"seg-0": [trust.pk], "seg-3": [trust.pk], "submit": "1"})
    assert response.url == compare_url
    assert client.get(coding_url).status_code == 200


def test_an_unknown_theme_in_the_blind_form_is_refused(coded, client_for, unit):
    material, _first, second, _trust, _waiting = coded
    comparison = comparison_start(material=material, second_coder=second)
    url = reverse("research:blind_coding", kwargs={"slug": unit.slug, "pk": comparison.pk})
    response = client_for(second).post(url, {"seg-1": ["999999"], "submit": "1"})
    assert response.status_code == 400
    assert "Paragraph 2" in response.content.decode()
    comparison.refresh_from_db()
    assert comparison.status == CodingComparison.Status.OPEN
    assert not SegmentCode.objects.exists()


def test_the_agreed_coding_is_recorded(coded):
    material, first, second, trust, waiting = coded
    comparison = comparison_start(material=material, second_coder=second)
    with pytest.raises(ValidationError):
        agreed_coding_save(comparison=comparison, actor=first, codes={0: [trust]})
    second_coding_save(comparison=comparison, actor=second, codes={0: [trust]}, submit=True)
    agreed_coding_save(
        comparison=comparison, actor=first, codes={0: [trust], 2: [waiting], 3: [trust]}
    )
    comparison.refresh_from_db()
    assert comparison.status == CodingComparison.Status.AGREED
    rows = comparison_result(comparison).rows
    assert [[t.name for t in r.agreed or []] for r in rows] == [
        ["Trust"],
        [],
        ["Waiting"],
        ["Trust"],
    ]


def test_the_report_method_section_carries_the_figures(coded, unit):
    from reports.snapshot import unit_snapshot

    material, _first, second, trust, waiting = coded
    comparison = comparison_start(material=material, second_coder=second)
    second_coding_save(
        comparison=comparison, actor=second, codes={0: [trust], 2: [waiting]}, submit=True
    )
    (row,) = unit_snapshot(unit, "final")["agreement"]
    assert (row["paragraphs"], row["overall"]["n"], row["overall"]["agreed"]) == (4, 8, 7)
    assert row["overall"]["kappa"] == pytest.approx(comparison_result(comparison).overall.kappa)
    assert [t["name"] for t in row["themes"]] == ["Trust", "Waiting"]


def test_the_agreement_pages_cost_the_same_with_more_comparisons(coded, unit, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    material, _first, second, _trust, _waiting = coded
    comparison_start(material=material, second_coder=second)
    client = client_for(second)
    url = reverse("research:agreement", kwargs={"slug": unit.slug})
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        other = MaterialFactory(unit=unit)
        CodingComparison.objects.create(unit=unit, material=other, second_coder=second)
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).status_code == 200
    assert len(four) == len(one)
