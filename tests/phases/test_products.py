"""Products with files: checked on the way in, served only to people of the unit."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phases import services
from phases.models import Dissemination, ProductFile

from ..factories import ProductFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _upload(client, unit, product, name, content):
    return client.post(
        reverse("phases:product_detail", args=[unit.slug, product.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("protocol.pdf", PDF),
        ("handbook.docx", _docx()),
        ("scores.csv", "naam;score\nmevrouw J.;3,5\n".encode("cp1252")),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    ],
)
def test_facilitator_uploads_allowed_files(unit, facilitator, client_for, name, content):
    product = ProductFactory(unit=unit)
    r = _upload(client_for(facilitator), unit, product, name, content)
    assert r.status_code == 302
    stored = ProductFile.objects.get()
    assert (stored.original_name, stored.size) == (name, len(content))


def test_too_large_file_is_refused_with_the_size(unit, facilitator, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 100
    product = ProductFactory(unit=unit)
    r = _upload(client_for(facilitator), unit, product, "big.pdf", PDF + b"x" * 200)
    assert r.status_code == 400
    errors = r.context["form"].errors["file"]
    assert errors == ["“big.pdf” is 245\xa0bytes; files may be at most 100\xa0bytes."]
    assert not ProductFile.objects.exists()


def test_disallowed_type_is_refused_naming_the_allowed_ones(unit, facilitator, client_for):
    product = ProductFactory(unit=unit)
    r = _upload(client_for(facilitator), unit, product, "tool.exe", b"MZ\x90\x00")
    assert r.status_code == 400
    message = r.context["form"].errors["file"][0]
    assert "“tool.exe” is not an allowed type of file" in message
    assert "pdf" in message and "docx" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("handbook.docx", PDF),
        ("photo.jpg", b"\x89PNG\r\n\x1a\n"),
        ("notes.txt", b"\x00\x01\x02binary"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(
    unit, facilitator, client_for, name, content
):
    product = ProductFactory(unit=unit)
    r = _upload(client_for(facilitator), unit, product, name, content)
    assert r.status_code == 400
    ext = name.rsplit(".", 1)[1]
    assert r.context["form"].errors["file"] == [
        f"“{name}” does not contain what its extension .{ext} says."
    ]
    assert not ProductFile.objects.exists()


def test_files_are_served_only_to_people_of_the_unit(
    unit, facilitator, manager, outsider, client_for
):
    product = ProductFactory(unit=unit)
    _upload(client_for(facilitator), unit, product, "protocol.pdf", PDF)
    url = reverse("phases:product_file", args=[unit.slug, ProductFile.objects.get().pk])
    r = client_for(manager).get(url)
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment")
    assert 'filename="protocol.pdf"' in r["Content-Disposition"]
    assert b"".join(r.streaming_content) == PDF
    assert client_for(outsider).get(url).status_code == 404
    other_unit_url = reverse("phases:product_file", args=["some-other-unit", 1])
    assert client_for(facilitator).get(other_unit_url).status_code == 404


def test_members_cannot_upload_or_create_products(unit, member, client_for):
    product = ProductFactory(unit=unit)
    assert _upload(client_for(member), unit, product, "p.pdf", PDF).status_code == 403
    r = client_for(member).post(
        reverse("phases:product_create", args=[unit.slug]), {"kind": "protocol", "title": "x"}
    )
    assert r.status_code == 403
    assert not ProductFile.objects.exists()


def test_facilitator_records_products_and_dissemination(unit, facilitator, member, client_for):
    client = client_for(facilitator)
    r = client.post(
        reverse("phases:product_create", args=[unit.slug]),
        {"kind": "handbook", "title": "Handreiking eenzaamheid", "description": "Voor wijkteams"},
    )
    assert r.status_code == 302
    product = unit.products.get()
    r = client.post(
        reverse("phases:dissemination_create", args=[unit.slug]),
        {
            "what": "Workshop op het congres",
            "date": "2027-03-01",
            "audience": "Wijkteams",
            "reach": 60,
            "product": product.pk,
        },
    )
    assert r.status_code == 302
    assert Dissemination.objects.get().reach == 60
    page = client_for(member).get(reverse("phases:products", args=[unit.slug])).content.decode()
    assert "Handreiking eenzaamheid" in page and "Workshop op het congres" in page


def test_products_page_queries_stay_constant(
    unit, facilitator, client_for, django_assert_num_queries
):
    def grow(n):
        for i in range(n):
            product = ProductFactory(unit=unit)
            _upload(client_for(facilitator), unit, product, f"p{i}.pdf", PDF)
            Dissemination.objects.create(unit=unit, what=f"Talk {i}", date="2027-01-01")

    grow(1)
    client = client_for(facilitator)
    url = reverse("phases:products", args=[unit.slug])
    # session, user, savepoint, unit, membership, products, their files,
    # dissemination (+ products), release, session save (savepoint, update, release)
    with django_assert_num_queries(13):
        client.get(url)
    grow(5)
    with django_assert_num_queries(13):
        assert client.get(url).content.decode().count(".pdf</a>") == 6


def test_the_facilitator_corrects_a_dissemination_activity(unit, facilitator, member, client_for):
    activity = Dissemination.objects.create(
        unit=unit, what="Workshop", date="2027-03-01", audience="Wijkteams", reach=60
    )
    url = reverse("phases:dissemination_edit", args=[unit.slug, activity.pk])
    data = {"what": "Workshop op het congres", "date": "2027-03-02", "audience": "", "reach": 45}
    assert client_for(member).post(url, data).status_code == 403
    assert client_for(facilitator).post(url, data).status_code == 302
    activity.refresh_from_db()
    assert (activity.what, str(activity.date), activity.audience, activity.reach) == (
        "Workshop op het congres",
        "2027-03-02",
        "",
        45,
    )


def test_a_dissemination_activity_cannot_be_tied_to_another_units_product(unit, facilitator):
    activity = Dissemination.objects.create(unit=unit, what="Talk", date="2027-03-01")
    with pytest.raises(ValidationError) as refused:
        services.dissemination_update(activity=activity, product=ProductFactory())
    assert refused.value.message_dict == {"product": ["Choose a product of this unit."]}
    activity.refresh_from_db()
    assert activity.product is None
