"""A file stored for a row whose transaction rolls back leaves nothing in MEDIA_ROOT
(bpu.stored_files): not through a request, not through a service in a larger transaction.

These tests need real commits and rollbacks (``transactional_db``): inside a test's own
transaction nothing is ever committed, so nothing could be decided."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from bpu.stored_files import uncommitted_files_deleted
from phases import services as phase_services
from phases.models import ProductFile
from tests.factories import MembershipFactory, ProductFactory, SessionFactory
from units import services as unit_services
from units.models import Role, SessionAttachment

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _stored(settings) -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(p.name for p in media.rglob("*") if p.is_file())


class LaterStepFailed(Exception):
    pass


def test_a_request_that_fails_after_storing_the_upload_leaves_no_file(settings, client_for):
    session = SessionFactory()
    facilitator = MembershipFactory(unit=session.unit, role=Role.FACILITATOR).user
    url = reverse("units:session_attachment_add", args=[session.unit.slug, session.pk])
    # The view's next step after the service fails: the request's transaction rolls back.
    with (
        mock.patch("units.views.attachments.messages.success", side_effect=LaterStepFailed),
        pytest.raises(LaterStepFailed),
    ):
        client_for(facilitator).post(url, {"file": SimpleUploadedFile("handout.pdf", PDF)})
    assert not SessionAttachment.objects.exists()
    assert _stored(settings) == []


def test_a_request_that_commits_keeps_its_file(settings, client_for):
    session = SessionFactory()
    facilitator = MembershipFactory(unit=session.unit, role=Role.FACILITATOR).user
    url = reverse("units:session_attachment_add", args=[session.unit.slug, session.pk])
    client_for(facilitator).post(url, {"file": SimpleUploadedFile("handout.pdf", PDF)})
    attachment = SessionAttachment.objects.get()
    assert _stored(settings) == [Path(attachment.file.name).name]


def test_a_product_file_whose_transaction_rolls_back_leaves_no_file(settings):
    product = ProductFactory()
    actor = MembershipFactory(unit=product.unit, role=Role.FACILITATOR).user
    with uncommitted_files_deleted(), pytest.raises(LaterStepFailed), transaction.atomic():
        phase_services.product_file_add(
            product=product, actor=actor, upload=SimpleUploadedFile("plan.pdf", PDF)
        )
        assert len(_stored(settings)) == 1  # stored, then the transaction fails
        raise LaterStepFailed
    assert not ProductFile.objects.exists()
    assert _stored(settings) == []


def test_a_rolled_back_savepoint_loses_its_file_and_the_committed_one_stays(settings):
    session = SessionFactory()
    actor = MembershipFactory(unit=session.unit, role=Role.FACILITATOR).user
    with uncommitted_files_deleted(), transaction.atomic():
        kept = unit_services.session_attachment_add(
            session=session, actor=actor, upload=SimpleUploadedFile("kept.pdf", PDF)
        )
        with pytest.raises(LaterStepFailed), transaction.atomic():
            unit_services.session_attachment_add(
                session=session, actor=actor, upload=SimpleUploadedFile("lost.pdf", PDF)
            )
            raise LaterStepFailed
    assert list(SessionAttachment.objects.values_list("original_name", flat=True)) == ["kept.pdf"]
    assert _stored(settings) == [Path(kept.file.name).name]
