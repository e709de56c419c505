"""The codebook: upload (create, update by code, refuse a type change once there is data)
and measures on the page."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.models import Measure
from research.services import codebook_import, measure_save

from .import_helpers import make_codebook, run_import, xlsx_bytes

pytestmark = pytest.mark.django_db

CODEBOOK = (
    "Code;Label;Construct;Type;Min;Max;Higher_is_better;Respondent\n"
    "ucla;UCLA Loneliness (short);Loneliness;likert;1;4;nee;client\n"
    "djg;De Jong Gierveld;Loneliness;numeric;0;11;no;\n"
    "net;Heeft netwerk;Network;yesno;;;ja;professional\n"
    "note;Notes;;text;;;;other\n"
)


def load(unit, content, name="codebook.csv"):
    if isinstance(content, str):
        content = content.encode()
    return codebook_import(unit=unit, file=io.BytesIO(content), filename=name)


def test_upload_creates_measures(unit):
    result = load(unit, CODEBOOK)
    assert result.ok, [str(p) for p in result.problems]
    assert (result.created, result.updated) == (4, 0)
    rows = list(
        Measure.objects.filter(unit=unit).values_list(
            "code", "type", "min_value", "max_value", "higher_is_better", "respondent"
        )
    )
    assert rows == [
        ("ucla", "likert", 1.0, 4.0, False, "client"),
        ("djg", "numeric", 0.0, 11.0, False, "client"),
        ("net", "yesno", None, None, True, "professional"),
        ("note", "text", None, None, True, "other"),
    ]


def test_upload_xlsx(unit):
    result = load(
        unit,
        xlsx_bytes([["code", "label", "type", "min", "max"], ["mansa", "MANSA", "likert", 1, 7]]),
        name="cb.xlsx",
    )
    assert result.ok
    assert Measure.objects.get(unit=unit, code="mansa").max_value == 7


def test_reupload_updates_by_code(unit):
    load(unit, CODEBOOK)
    result = load(unit, "code,label,type,min,max\nucla,UCLA 3-item,likert,1,3\nnew,New,text,,\n")
    assert result.ok and (result.created, result.updated) == (1, 1)
    ucla = Measure.objects.get(unit=unit, code="ucla")
    assert (ucla.label, ucla.max_value) == ("UCLA 3-item", 3.0)
    assert Measure.objects.filter(unit=unit).count() == 5


def test_a_measure_with_data_cannot_change_type(unit):
    load(unit, CODEBOOK)
    assert run_import(unit, "respondent,djg\nR1,5\n").ok
    result = load(unit, "code,label,type,min,max\ndjg,De Jong,likert,0,11\n")
    assert [str(p) for p in result.problems] == [
        "Line 2, column type: The measure “djg” has data, so its type cannot change from "
        "numeric to likert."
    ]
    assert Measure.objects.get(unit=unit, code="djg").type == "numeric"


def test_a_measure_without_data_may_change_type(unit):
    load(unit, CODEBOOK)
    assert load(unit, "code,label,type,min,max\ndjg,De Jong,likert,0,11\n").ok
    assert Measure.objects.get(unit=unit, code="djg").type == "likert"


def test_a_range_that_excludes_existing_data_is_refused(unit):
    load(unit, CODEBOOK)
    run_import(unit, "respondent,djg\nR1,9\n")
    result = load(unit, "code,label,type,min,max\ndjg,De Jong,numeric,0,6\n")
    assert not result.ok
    assert "has data above this maximum" in str(result.problems.items[0])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "code,label,type,min,max\nucla,UCLA,likert,,4\n",
            "Line 2, column D (min): Numeric and likert measures need a minimum.",
        ),
        (
            "code,label,type,min,max\nmy code,X,text,,\n",
            "Line 2, column A (code): “my code” is not a code: use letters, digits and "
            "underscores.",
        ),
        (
            "code,label,type\nx,X,scale\n",
            "Line 2, column C (type): “scale” is not a type (use numeric, likert, yesno or text; "
            "or numeriek, likert, ja/nee or tekst).",
        ),
        (
            "code,label,type,min,max\nx,X,numeric,5,1\n",
            "Line 2, column E (max): The maximum must be above the minimum.",
        ),
        (
            "code,label,type\nx,X,text\nX,Y,text\n",
            "Line 3, column A (code): The code “X” appears twice (also on line 2).",
        ),
        (
            "code,label,type,colour\nx,X,text,red\n",
            "Line 1, column D (colour): “colour” is not a codebook column (expected: code, "
            "label, construct, type, min, max, higher_is_better, respondent, missing).",
        ),
        ("code,label\nx,X\n", "Line 1: The column “type” is missing."),
        ("code,label,type\n", "Line 2: The file has a header line but no measures."),
        (
            "code,label,type,respondent\nx,,text,family\n",
            "Line 2, column B (label): The label is missing.",
        ),
    ],
)
def test_codebook_problems_name_line_and_column(unit, content, expected):
    result = load(unit, content)
    assert expected in [str(p) for p in result.problems]
    assert not Measure.objects.filter(unit=unit).exists()


def test_measure_save_refuses_type_change_with_data(unit):
    measures = make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,2\n")
    with pytest.raises(ValidationError):
        measure_save(unit=unit, measure=measures["ucla"], type="numeric", min_value=1, max_value=4)


# --- Pages ------------------------------------------------------------------------


def test_researcher_uploads_a_codebook_on_the_page(unit, researcher, client_for):
    url = reverse("research:codebook", kwargs={"slug": unit.slug})
    upload = SimpleUploadedFile("cb.csv", CODEBOOK.encode(), content_type="text/csv")
    response = client_for(researcher).post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "4 measures added" in response.content.decode()
    assert Measure.objects.filter(unit=unit).count() == 4


def test_codebook_upload_problems_are_listed(unit, researcher, client_for):
    url = reverse("research:codebook", kwargs={"slug": unit.slug})
    upload = SimpleUploadedFile("cb.csv", b"code,label,type\nx,X,scale\n")
    response = client_for(researcher).post(url, {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a type" in page and "C (type)" in page
    assert not Measure.objects.filter(unit=unit).exists()


def test_researcher_adds_edits_and_deletes_a_measure(unit, researcher, client_for):
    client = client_for(researcher)
    add = reverse("research:measure_add", kwargs={"slug": unit.slug})
    response = client.post(
        add,
        {
            "code": "mansa",
            "label": "MANSA",
            "type": "likert",
            "min_value": "1",
            "max_value": "7",
            "higher_is_better": "on",
            "respondent": "client",
            "order": "1",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(unit=unit, code="mansa")
    edit = reverse("research:measure_edit", kwargs={"slug": unit.slug, "pk": measure.pk})
    response = client.post(
        edit,
        {
            "code": "mansa",
            "label": "MANSA quality of life",
            "type": "likert",
            "min_value": "1",
            "respondent": "client",
            "order": "1",
        },
    )
    assert response.status_code == 200  # max missing for a likert measure
    assert "Required for numeric and likert measures." in response.content.decode()
    delete = reverse("research:measure_delete", kwargs={"slug": unit.slug, "pk": measure.pk})
    assert client.post(delete).status_code == 302
    assert not Measure.objects.filter(unit=unit).exists()


def test_a_duplicate_code_on_the_form_is_refused(unit, researcher, client_for):
    make_codebook(unit)
    response = client_for(researcher).post(
        reverse("research:measure_add", kwargs={"slug": unit.slug}),
        {"code": "UCLA", "label": "x", "type": "text", "respondent": "client", "order": "1"},
    )
    assert response.status_code == 200
    assert "A measure with code UCLA already exists." in response.content.decode()


def test_the_form_refuses_a_type_change_once_there_is_data(unit, researcher, client_for):
    measures = make_codebook(unit)
    run_import(unit, "respondent,djg\nR1,5\n")
    response = client_for(researcher).post(
        reverse("research:measure_edit", kwargs={"slug": unit.slug, "pk": measures["djg"].pk}),
        {
            "code": "djg",
            "label": "x",
            "type": "likert",
            "min_value": "0",
            "max_value": "11",
            "respondent": "client",
            "order": "1",
        },
    )
    assert response.status_code == 200
    assert "This measure has data, so its type cannot change." in response.content.decode()
    measures["djg"].refresh_from_db()
    assert measures["djg"].type == "numeric"


def test_codebook_page_queries_do_not_grow(unit, researcher, client_for, django_assert_num_queries):
    client = client_for(researcher)
    url = reverse("research:codebook", kwargs={"slug": unit.slug})
    make_codebook(unit)
    client.get(url)
    # session, user; savepoint, unit, membership, measures with their value counts,
    # release; the session save in its own savepoint (3 queries).
    with django_assert_num_queries(11) as small:
        client.get(url)
    for i in range(20):
        Measure.objects.create(unit=unit, code=f"extra{i}", label="x", type="text")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
