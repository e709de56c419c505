"""An erasure request, carried out: no name or e-mail address of the person is left in
any text column of any model (history included) or in any file in the media folder;
pseudonymous research data is kept."""

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.erasure import REMOVED_TEXT, user_erase
from accounts.models import ErasureRequest, WebAuthnCredential
from notifications.models import Notification
from phases.models import Experiment, ExperimentComment, ProductFile
from research.models import CodedFragment, ImportBatch, Observation
from tests.research.analysis_data import add_values, make_measure
from units import services
from units.models import Invitation, Membership, Role

from ..factories import (
    ExperimentCommentFactory,
    ExperimentFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Zwaantje Oosterhuis-Quist"
EMAIL = "zwaantje.q@voorbeeld.nl"


def _text_values(model):
    """Every value of every text column of ``model`` (Char, Text, e-mail, JSON)."""
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]
    if not fields:
        return []
    return [str(v) for row in model._default_manager.values_list(*fields) for v in row]


def _database_mentions(needle: str) -> list[str]:
    needle = needle.lower()
    return [
        model._meta.label
        for model in apps.get_models()  # history models included
        if any(needle in value.lower() for value in _text_values(model))
    ]


def _media_mentions(media_root: Path, needle: str) -> list[str]:
    needle = needle.encode().lower()
    return [
        str(path)
        for path in media_root.rglob("*")
        if path.is_file()
        and (needle in path.read_bytes().lower() or needle in path.name.lower().encode())
    ]


@pytest.fixture
def person(unit, facilitator, researcher):
    """Someone who wrote, uploaded and was told things everywhere the application keeps them."""
    user = UserFactory(full_name=NAME, email=EMAIL)
    membership = MembershipFactory(
        unit=unit, user=user, role=Role.FAMILY_CARER, respondent_code="r7"
    )
    services.membership_update_own(
        membership=membership,
        motivation=f"Ik ben {NAME}, mantelzorger van mijn moeder.",
        expectations=f"Mail me op {EMAIL}.",
    )
    Invitation.objects.create(unit=unit, email=EMAIL, role=Role.FAMILY_CARER)
    experiment = ExperimentFactory(
        unit=unit, author=user, title=f"Het experiment van {NAME}", learned=f"{NAME} leerde veel."
    )
    ExperimentCommentFactory(experiment=experiment, author=user, text=f"Groet, {NAME}")
    ExperimentCommentFactory(experiment=experiment, author=facilitator, text="Mooi gedaan!")
    CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(Experiment),
        object_id=experiment.pk,
        source_field="learned",
        start=0,
        end=10,
        text=f"{NAME} leerde",
    )
    Notification.objects.create(
        recipient=facilitator,
        kind="response",
        event="experiment.commented",
        unit=unit,
        actor=user,
        url="/",
        data={"title": experiment.title, "experiment": experiment.pk},
    )
    Notification.objects.create(
        recipient=user,
        kind="response",
        event="experiment.commented",
        unit=unit,
        actor=facilitator,
        url="/",
        data={"title": experiment.title, "experiment": experiment.pk},
    )
    product_file = ProductFile(
        product=ProductFactory(unit=unit),
        original_name=f"{NAME}.txt",
        size=10,
        content_type="text/plain",
        uploaded_by=user,
    )
    product_file.file.save("verslag.txt", ContentFile(f"Verslag door {NAME}".encode()), save=True)
    batch = ImportBatch(unit=unit, uploaded_by=user, original_filename=f"{EMAIL}.csv")
    batch.file.save("data.csv", ContentFile(f"respondent,mail\nr7,{EMAIL}\n".encode()), save=True)
    add_values(unit, make_measure(unit, "wellbeing", minimum=1, maximum=5), "baseline", {"r7": 4})
    ErasureRequest.objects.create(user=user, reason=f"Ik, {NAME}, wil weg.")
    WebAuthnCredential.objects.create(
        user=user, name=f"Laptop van {NAME}", credential_id="ZXJhc3VyZQ", public_key="a2V5"
    )
    TOTPDevice.objects.create(user=user, name=f"Telefoon van {NAME}", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name=f"Herstelcodes van {NAME}")
    recovery.token_set.create(token="abcd1234")  # noqa: S106
    return user


def test_erasure_leaves_no_name_or_address_in_the_database_or_the_media_files(
    person, admin_user, settings, django_capture_on_commit_callbacks
):
    media = Path(settings.MEDIA_ROOT)
    # The fixture put them in every place the walk looks (so the walk can fail).
    assert {
        "accounts.User",
        "units.Membership",
        "units.HistoricalMembership",
        "units.Invitation",
        "phases.Experiment",
        "phases.ExperimentComment",
        "research.CodedFragment",
        "notifications.Notification",
        "accounts.ErasureRequest",
        "accounts.WebAuthnCredential",
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
    } <= set(_database_mentions(NAME)) | set(_database_mentions(EMAIL))
    assert len(_media_mentions(media, NAME)) == 1 and len(_media_mentions(media, EMAIL)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=person, by=admin_user)

    assert _database_mentions(NAME) == []
    assert _database_mentions(EMAIL) == []
    assert _media_mentions(media, NAME) == []
    assert _media_mentions(media, EMAIL) == []
    # What they wrote reads as removed; what others wrote stays.
    assert Experiment.objects.get(author=person).learned == REMOVED_TEXT
    assert ExperimentComment.objects.filter(text="Mooi gedaan!").count() == 1
    # The account cannot log in; pseudonymous research data is kept.
    person.refresh_from_db()
    assert (person.is_active, person.has_usable_password(), person.full_name) == (False, False, "")
    assert Observation.objects.filter(respondent="r7").count() == 1
    request = ErasureRequest.objects.get(user=person)
    assert (request.status, request.handled_by) == (ErasureRequest.Status.DONE, admin_user)
    assert Membership.objects.get(user=person).role == Role.FAMILY_CARER
    # No second factor is left: neither its name nor its secret (app key, recovery codes).
    assert not WebAuthnCredential.objects.filter(user=person).exists()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert not StaticToken.objects.exists()


def test_the_research_exemption_keeps_the_quoted_passages(person, settings):
    settings.PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES = True
    user_erase(user=person)
    assert CodedFragment.objects.get().text == f"{NAME} leerde"
    assert Experiment.objects.get(author=person).learned == REMOVED_TEXT


def test_a_person_asks_on_their_profile_and_an_administrator_carries_it_out(
    client_for, admin_user, member
):
    client = client_for(member)
    assert client.post(reverse("accounts:erasure_request"), {"reason": "Klaar"}).status_code == 302
    assert not ErasureRequest.objects.exists()  # not confirmed: nothing asked
    client.post(reverse("accounts:erasure_request"), {"confirm": "yes", "reason": "Klaar"})
    client.post(reverse("accounts:erasure_request"), {"confirm": "yes"})  # asked twice: one
    request = ErasureRequest.objects.get()
    assert (request.user, request.status) == (member, ErasureRequest.Status.OPEN)
    assert (
        "An administrator will handle it."
        in client.get(reverse("accounts:profile")).content.decode()
    )

    admin = client_for(admin_user)
    response = admin.post(
        reverse("admin:accounts_erasurerequest_changelist"),
        {"action": "carry_out", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.is_active) == (f"erased-{member.pk}@invalid", False)


def test_the_command_erases_by_address(member):
    call_command("erase_person", member.email.upper())
    member.refresh_from_db()
    assert member.email == f"erased-{member.pk}@invalid"
