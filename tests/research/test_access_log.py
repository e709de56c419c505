"""Research data leaving the application is logged per respondent code (NEN 7513)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from units.models import AccessAction, AccessLog, DataKind, Role

from ..factories import ExperimentFactory, MaterialFactory, MembershipFactory
from .analysis_data import add_values, make_measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "sav"])
def test_an_export_logs_each_respondent_code_once(unit, researcher, client_for, file_format):
    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3, "R2": 4})
    add_values(unit, measure, "final", {"R1": 2})

    response = client_for(researcher).get(
        reverse("research:export", args=[unit.slug]), {"format": file_format}
    )
    if response.streaming:
        b"".join(response.streaming_content)  # the whole file, as the browser reads it

    assert response.status_code == 200
    assert sorted(
        AccessLog.objects.values_list(
            "user", "role", "unit", "person", "respondent", "kind", "action"
        )
    ) == [
        (
            researcher.pk,
            Role.RESEARCHER,
            unit.pk,
            None,
            code,
            DataKind.RESEARCH_DATA,
            AccessAction.EXPORTED,
        )
        for code in ("R1", "R2")
    ]


def test_coding_a_members_experiment_logs_that_it_was_read(unit, researcher, member, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    url = reverse("research:code_source", args=[unit.slug, "experiment", experiment.pk, "tried"])
    assert client_for(researcher).get(url).status_code == 200
    assert list(AccessLog.objects.values_list("user", "person", "kind", "object_id")) == [
        (researcher.pk, member.pk, DataKind.EXPERIMENT, experiment.pk)
    ]


def test_an_import_preview_logs_the_respondent_codes_it_shows(unit, researcher, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from research.models import ImportBatch
    from research.services.import_batches import import_batch_process, import_batch_upload

    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3})
    batch = import_batch_upload(
        unit=unit,
        upload=SimpleUploadedFile("d.csv", b"respondent,lonely\nR1,4\nR2,5\n"),
        wave=next(w for w in unit.waves.all() if w.code == "baseline"),
        actor=researcher,
    )
    import_batch_process(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED

    client_for(researcher).get(reverse("research:import_batch", args=[unit.slug, batch.pk]))

    assert sorted(AccessLog.objects.values_list("user", "respondent", "kind", "action")) == [
        (researcher.pk, code, DataKind.RESEARCH_DATA, AccessAction.VIEWED) for code in ("R1", "R2")
    ]


def _previewed_batch(unit, researcher, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from research.services.import_batches import import_batch_process, import_batch_upload

    batch = import_batch_upload(
        unit=unit,
        upload=SimpleUploadedFile("d.csv", content),
        wave=next(w for w in unit.waves.all() if w.code == "baseline"),
        actor=researcher,
    )
    import_batch_process(batch.pk)
    batch.refresh_from_db()
    return batch


def test_the_worker_logs_an_import_in_the_name_of_whoever_confirmed_it(unit, researcher):
    from research.models import ImportBatch
    from research.services.import_batches import import_batch_confirm, import_batch_process

    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3})
    uploader = researcher
    confirmer = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    batch = _previewed_batch(unit, uploader, b"respondent,lonely\nR1,4\nR2,5\nR3,\n")

    import_batch_confirm(batch=batch, actor=confirmer)
    import_batch_process(batch.pk)  # the worker

    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.CONFIRMED
    # R1's value replaced, R2's added, R3 (an empty cell) nothing written; one entry each.
    assert sorted(
        AccessLog.objects.values_list("user", "role", "unit", "respondent", "kind", "action")
    ) == [
        (
            confirmer.pk,
            Role.RESEARCHER,
            unit.pk,
            "R1",
            DataKind.RESEARCH_DATA,
            AccessAction.CHANGED,
        ),
        (
            confirmer.pk,
            Role.RESEARCHER,
            unit.pk,
            "R2",
            DataKind.RESEARCH_DATA,
            AccessAction.CREATED,
        ),
    ]


def test_an_import_whose_confirmer_left_the_unit_writes_nothing(unit, researcher):
    from research.models import ImportBatch, Observation
    from research.services.import_batches import import_batch_confirm, import_batch_process

    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"R1": 3})
    batch = _previewed_batch(unit, researcher, b"respondent,lonely\nR1,4\nR2,5\n")
    import_batch_confirm(batch=batch, actor=researcher)
    researcher.memberships.filter(unit=unit).update(left_on=timezone.localdate())

    import_batch_process(batch.pk)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "no longer manages the research of this unit" in batch.error
    assert sorted(Observation.objects.values_list("respondent", "value_numeric")) == [("R1", 3.0)]
    assert AccessLog.objects.count() == 0


def test_the_coded_passages_export_logs_each_quoted_experiment(
    unit, researcher, member, client_for
):
    from research.services.coding import fragment_create
    from research.sources import SOURCE_KINDS, Source

    experiment = ExperimentFactory(unit=unit, author=member)
    material = MaterialFactory(unit=unit, text="A plain quote from a meeting.")
    for kind, obj, passage in (
        ("experiment", experiment, "Asked about his week"),
        ("experiment", experiment, "ticking the checklist"),
        ("material", material, "plain quote"),
    ):
        field = "tried" if kind == "experiment" else "text"
        fragment_create(
            source=Source(SOURCE_KINDS[kind], obj, field),
            actor=researcher,
            passage=passage,
            new_theme_names="Listening",
        )

    response = client_for(researcher).get(reverse("research:fragments_export", args=[unit.slug]))

    assert response.status_code == 200
    assert list(
        AccessLog.objects.values_list("user", "role", "person", "kind", "object_id", "action")
    ) == [
        (
            researcher.pk,
            Role.RESEARCHER,
            member.pk,
            DataKind.EXPERIMENT,
            experiment.pk,
            AccessAction.EXPORTED,
        )
    ]


def test_the_research_consent_page_logs_members_and_unlinked_codes(
    unit, researcher, service_user, client_for
):
    from units.models import Membership

    membership = Membership.objects.get(user=service_user)
    membership.respondent_code = "c1"
    membership.save()
    measure = make_measure(unit)
    add_values(unit, measure, "baseline", {"c1": 3, "c2": 4})

    response = client_for(researcher).get(reverse("research:consent", args=[unit.slug]))

    assert response.status_code == 200
    # Each member but the researcher (their own): the service user with their code,
    # and the code c2 that is no member's. No consent text, so no record.
    assert sorted(
        AccessLog.objects.values_list("person", "respondent", "kind", "object_id", "action"),
        key=str,
    ) == sorted(
        [
            (service_user.pk, "c1", DataKind.CONSENT, None, AccessAction.VIEWED),
            (None, "c2", DataKind.CONSENT, None, AccessAction.VIEWED),
        ],
        key=str,
    )
