"""Reading a member's practice experiments is logged by the access layer (NEN 7513)."""

import pytest
from django.urls import reverse

from units.models import AccessAction, AccessLog, DataKind, Role

from ..factories import ExperimentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_viewing_a_members_experiment_writes_one_entry(unit, member, facilitator, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)

    response = client_for(facilitator).get(
        reverse("phases:experiment_detail", args=[unit.slug, experiment.pk])
    )

    assert response.status_code == 200
    assert list(
        AccessLog.objects.values_list(
            "user", "role", "unit", "person", "kind", "object_id", "action"
        )
    ) == [
        (
            facilitator.pk,
            Role.FACILITATOR,
            unit.pk,
            member.pk,
            DataKind.EXPERIMENT,
            experiment.pk,
            AccessAction.VIEWED,
        )
    ]


def test_an_administrator_is_logged_as_administrator(unit, member, admin_user, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    client_for(admin_user).get(reverse("phases:experiment_detail", args=[unit.slug, experiment.pk]))
    assert list(AccessLog.objects.values_list("user", "role")) == [(admin_user.pk, "administrator")]


def test_reading_ones_own_experiment_is_not_logged(unit, member, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    client_for(member).get(reverse("phases:experiment_detail", args=[unit.slug, experiment.pk]))
    client_for(member).get(reverse("phases:experiment_edit", args=[unit.slug, experiment.pk]))
    assert AccessLog.objects.count() == 0


def test_a_refused_request_logs_nothing(unit, member, outsider, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    response = client_for(outsider).get(
        reverse("phases:experiment_detail", args=[unit.slug, experiment.pk])
    )
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_list_of_twenty_logs_its_rows_in_constant_queries(
    unit, facilitator, client_for, django_assert_num_queries
):
    url = reverse("phases:experiments", args=[unit.slug])
    client = client_for(facilitator)
    ExperimentFactory(unit=unit, author=MembershipFactory(unit=unit).user)
    # session, user, savepoint, unit, membership, the bell, the page count, the
    # experiments (+ authors, goals, comment counts), the search form's members and goals,
    # ONE access log INSERT, release, session save (savepoint, update, release).
    with django_assert_num_queries(15):
        client.get(url)
    assert AccessLog.objects.count() == 1
    for _i in range(19):
        ExperimentFactory(unit=unit, author=MembershipFactory(unit=unit).user)

    with django_assert_num_queries(15):
        client.get(url)

    shown = AccessLog.objects.order_by("-pk")[:20]
    assert len({e.person_id for e in shown}) == 20
    assert {(e.user_id, e.kind, e.action) for e in shown} == {
        (facilitator.pk, DataKind.EXPERIMENT, AccessAction.VIEWED)
    }
    assert AccessLog.objects.count() == 21
