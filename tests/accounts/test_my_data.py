"""'Download my data': everything that refers to the person, found by walking the
model graph, so that a model added later cannot be forgotten."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.personal_data import personal_references
from units.models import Invitation

from ..factories import (
    AttendanceFactory,
    ExperimentCommentFactory,
    ExperimentFactory,
    MembershipFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _zip(client):
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_every_model_that_refers_to_a_person_is_part_of_the_export():
    """Computed here independently: a user foreign key or an e-mail address field."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    expected = set()
    for model in apps.get_models():
        if model is user_model:
            continue
        for field in model._meta.concrete_fields:
            if (
                field.is_relation
                and field.related_model is user_model
                or isinstance(field, models.EmailField)
            ):
                expected.add(f"{model._meta.label}.{field.name}")
    assert {r.name for r in personal_references()} == expected
    # The ones a person meets every week are among them.
    assert {
        "units.Membership.user",
        "units.Attendance.user",
        "units.Invitation.email",
        "phases.Experiment.author",
        "phases.ExperimentComment.author",
    } <= expected


def test_a_member_downloads_what_refers_to_them_and_nothing_of_others(unit, member, client_for):
    other = MembershipFactory(unit=unit).user
    mine = ExperimentFactory(unit=unit, author=member, title="Mijn experiment")
    ExperimentFactory(unit=unit, author=other, title="Niet van mij")
    ExperimentCommentFactory(experiment=mine, author=other, text="Reactie van een ander")
    AttendanceFactory(session=SessionFactory(unit=unit), user=member, status="present")
    Invitation.objects.create(unit=unit, email=member.email.upper(), role="professional")

    archive = _zip(client_for(member))
    account = json.loads(archive.read("account.json"))
    assert account["email"] == member.email
    assert "password" not in account
    experiments = json.loads(archive.read("records/phases.Experiment.author.json"))
    assert [e["title"] for e in experiments] == ["Mijn experiment"]
    assert len(json.loads(archive.read("records/units.Attendance.user.json"))) == 1
    assert len(json.loads(archive.read("records/units.Invitation.email.json"))) == 1
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Niet van mij" not in everything
    assert "Reactie van een ander" not in everything
    assert other.email not in everything


def test_the_note_inside_speaks_the_persons_language(client_for):
    person = UserFactory(language="nl")
    readme = _zip(client_for(person)).read("README.txt").decode()
    assert readme.startswith("Jouw gegevens in de BPU-applicatie")


def test_the_processing_register_lists_every_record_that_refers_to_a_person(settings):
    import csv
    from io import StringIO

    from django.core.management import call_command

    settings.PRIVACY_RETENTION = "two years after the unit ends"
    out = StringIO()
    call_command("processing_register", stdout=out)
    rows = {row["record"]: row for row in csv.DictReader(StringIO(out.getvalue()))}
    assert {r.model._meta.label for r in personal_references()} == set(rows)
    assert rows["phases.Experiment"] == {
        "record": "phases.Experiment",
        "table": "phases_experiment",
        "refers to a person through": "author",
        "free text": "situation, tried, happened, learned, next_steps",
        "kept": "two years after the unit ends",
    }


def test_the_export_holds_the_persons_consent_and_erasure_request(unit, member, client_for):
    from accounts.models import ErasureRequest
    from units import services
    from units.models import Membership

    text = services.consent_text_publish(unit=unit, text_nl="Mag het?", text_en="May we?", by=None)
    services.consent_record(
        membership=Membership.objects.get(user=member),
        decision="given",
        method="online",
        by=member,
        consent_text=text,
    )
    ErasureRequest.objects.create(user=member)
    archive = _zip(client_for(member))
    consent = json.loads(archive.read("records/units.ConsentRecord.user.json"))
    assert [(c["decision"], c["method"], c["consent_text_id"]) for c in consent] == [
        ("given", "online", text.pk)
    ]
    erasure = json.loads(archive.read("records/accounts.ErasureRequest.user.json"))
    assert [e["status"] for e in erasure] == ["open"]
    assert "units.ConsentRecord.user.json" in archive.read("README.txt").decode()
