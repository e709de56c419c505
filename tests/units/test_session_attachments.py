"""Files with a session's notes: added by who keeps the notes, served to the unit only,
gone from storage with the session."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from units.models import SessionAttachment

from ..factories import SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, session, name="handout.pdf", content=PDF):
    return client.post(
        reverse("units:session_attachment_add", args=[session.unit.slug, session.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_the_facilitator_adds_a_handout_and_members_download_it(
    unit, facilitator, member, outsider, client_for
):
    session = SessionFactory(unit=unit)
    response = _upload(client_for(facilitator), session)
    assert "“handout.pdf” is added." in response.content.decode()
    attachment = SessionAttachment.objects.get()
    url = reverse("units:session_attachment", args=[unit.slug, session.pk, attachment.pk])
    page = client_for(member).get(session.get_absolute_url()).content.decode()
    assert url in page
    r = client_for(member).get(url)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="handout.pdf"'
    assert b"".join(r.streaming_content) == PDF
    assert client_for(outsider).get(url).status_code == 404


def test_members_cannot_add_or_delete_files(unit, facilitator, member, client_for):
    session = SessionFactory(unit=unit)
    assert _upload(client_for(member), session).status_code == 403
    _upload(client_for(facilitator), session)
    attachment = SessionAttachment.objects.get()
    delete = reverse("units:session_attachment_delete", args=[unit.slug, session.pk, attachment.pk])
    assert client_for(member).post(delete).status_code == 403
    assert SessionAttachment.objects.count() == 1


def test_an_empty_file_is_refused_with_its_name(unit, facilitator, client_for):
    session = SessionFactory(unit=unit)
    response = _upload(client_for(facilitator), session, "empty.pdf", b"")
    assert "The submitted file is empty." in response.content.decode()
    assert not SessionAttachment.objects.exists()


def test_a_file_of_another_session_is_not_found_under_this_one(unit, facilitator, client_for):
    session, other = SessionFactory(unit=unit), SessionFactory(unit=unit)
    _upload(client_for(facilitator), session)
    attachment = SessionAttachment.objects.get()
    url = reverse("units:session_attachment", args=[unit.slug, other.pk, attachment.pk])
    assert client_for(facilitator).get(url).status_code == 404


def test_deleting_a_file_or_its_session_removes_it_from_storage(
    unit, facilitator, client_for, django_capture_on_commit_callbacks
):
    session = SessionFactory(unit=unit)
    c = client_for(facilitator)
    _upload(c, session, "one.pdf")
    _upload(c, session, "two.pdf")
    one, two = SessionAttachment.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("units:session_attachment_delete", args=[unit.slug, session.pk, one.pk]))
    assert not default_storage.exists(one.file.name)
    assert default_storage.exists(two.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        session.delete()
    assert not default_storage.exists(two.file.name)
