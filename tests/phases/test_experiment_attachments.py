"""Files with a practice experiment: the author's, checked like product files, served
only to who may see the experiment, and gone from storage with their experiment."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phases.models import Experiment, ExperimentAttachment

from ..factories import ExperimentFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def _upload(client, experiment, name="flip-over.png", content=PNG):
    return client.post(
        reverse("phases:experiment_attachment_add", args=[experiment.unit.slug, experiment.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_the_author_attaches_a_photo_and_members_download_it(
    unit, member, service_user, manager, outsider, client_for
):
    experiment = ExperimentFactory(unit=unit, author=member)
    response = _upload(client_for(member), experiment)
    assert "“flip-over.png” is added." in response.content.decode()
    attachment = ExperimentAttachment.objects.get()
    assert (attachment.original_name, attachment.size, attachment.content_type) == (
        "flip-over.png",
        len(PNG),
        "image/png",
    )
    url = reverse("phases:experiment_attachment", args=[unit.slug, attachment.pk])
    for reader in (service_user, manager):
        r = client_for(reader).get(url)
        assert r.status_code == 200
        assert r["Content-Disposition"] == 'attachment; filename="flip-over.png"'
        assert "no-store" in r["Cache-Control"]
        assert b"".join(r.streaming_content) == PNG
    assert client_for(outsider).get(url).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_with_the_reason(unit, member, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    response = _upload(client_for(member), experiment, "run.exe", b"MZ\x90\x00")
    assert "“run.exe” is not an allowed type of file. Allowed: csv, docx" in (
        response.content.decode()
    )
    response = _upload(client_for(member), experiment, "photo.jpg", PNG)
    assert "“photo.jpg” does not contain what its extension .jpg says." in (
        response.content.decode()
    )
    assert not ExperimentAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused(unit, member, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 10
    experiment = ExperimentFactory(unit=unit, author=member)
    response = _upload(client_for(member), experiment)
    assert "“flip-over.png” is 28\xa0bytes; files may be at most 10\xa0bytes." in (
        response.content.decode()
    )
    assert not ExperimentAttachment.objects.exists()


def test_only_the_author_adds_or_removes_files(unit, member, facilitator, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    assert _upload(client_for(facilitator), experiment).status_code == 403
    _upload(client_for(member), experiment)
    attachment = ExperimentAttachment.objects.get()
    delete = reverse("phases:experiment_attachment_delete", args=[unit.slug, attachment.pk])
    assert client_for(facilitator).post(delete).status_code == 403
    assert ExperimentAttachment.objects.exists()


def test_a_private_drafts_files_do_not_exist_for_others(unit, member, facilitator, client_for):
    experiment = ExperimentFactory(unit=unit, author=member, visibility="draft")
    _upload(client_for(member), experiment)
    url = reverse(
        "phases:experiment_attachment", args=[unit.slug, ExperimentAttachment.objects.get().pk]
    )
    assert client_for(member).get(url).status_code == 200
    assert client_for(facilitator).get(url).status_code == 404


def test_removing_a_file_or_its_experiment_removes_it_from_storage(
    unit, member, client_for, django_capture_on_commit_callbacks
):
    experiment = ExperimentFactory(unit=unit, author=member)
    c = client_for(member)
    _upload(c, experiment, "one.png")
    _upload(c, experiment, "two.png")
    one, two = ExperimentAttachment.objects.order_by("pk")
    assert default_storage.exists(one.file.name) and default_storage.exists(two.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("phases:experiment_attachment_delete", args=[unit.slug, one.pk]))
    assert not default_storage.exists(one.file.name)
    assert default_storage.exists(two.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("phases:experiment_delete", args=[unit.slug, experiment.pk]))
    assert not Experiment.objects.exists() and not ExperimentAttachment.objects.exists()
    assert not default_storage.exists(two.file.name)


def test_the_experiment_page_lists_its_files_in_a_fixed_number_of_queries(unit, member, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    c = client_for(member)
    url = reverse("phases:experiment_detail", args=[unit.slug, experiment.pk])
    _upload(c, experiment, "one.png")
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for n in range(4):
        _upload(c, experiment, f"more-{n}.png")
    with CaptureQueriesContext(connection) as five:
        response = c.get(url)
    assert "more-3.png" in response.content.decode()
    assert len(five) == len(one)
