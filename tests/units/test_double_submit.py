"""One submission, one effect: a form sent twice, or three times at once (a double
click, a resend after a slow answer), adds what it asks for once and never
answers 500."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from phases.models import ExperimentComment
from units.models import Invitation, Role

from ..factories import ExperimentFactory, MembershipFactory, UnitFactory


def _series_form(unit):
    return {
        "first": (unit.planned_start + timedelta(days=7)).isoformat(),
        "at": "14:00",
        "every_weeks": "6",
        "duration_minutes": "90",
    }


def _session_form():
    day = timezone.localdate() + timedelta(days=3)
    return {"day": day.isoformat(), "at": "19:00", "duration_minutes": "120", "location": "Online"}


@pytest.mark.django_db
def test_a_single_session_sent_twice_is_one_session(client_for, unit, facilitator):
    c = client_for(facilitator)
    url = reverse("units:session_create", args=[unit.slug])
    assert c.post(url, _session_form()).status_code == 302
    again = c.post(url, _session_form())
    assert again.status_code == 200
    assert again.context["form"].errors["at"] == [
        "The unit already has a session at that time; it is in the list."
    ]
    assert unit.sessions.count() == 1


@pytest.mark.django_db
def test_a_comment_sent_twice_is_one_comment(client_for, unit, member):
    experiment = ExperimentFactory(unit=unit)
    c = client_for(member)
    url = reverse("phases:experiment_comment", args=[unit.slug, experiment.pk])
    for _ in range(2):
        assert c.post(url, {"text": "Herkenbaar! Dat ga ik ook proberen."}).status_code == 302
    assert ExperimentComment.objects.filter(experiment=experiment).count() == 1
    # The same words later, or from someone else, are a comment of their own.
    assert c.post(url, {"text": "Nog een gedachte."}).status_code == 302
    assert ExperimentComment.objects.filter(experiment=experiment).count() == 2


def _at_once(times, send):
    """Run ``send`` in ``times`` threads released together; return their answers."""
    barrier = threading.Barrier(times)
    answers = []

    def run():
        try:
            barrier.wait()
            answers.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.services  # needs PostgreSQL: row locks between concurrent transactions
@pytest.mark.django_db(transaction=True)
def test_three_sends_at_once_have_one_effect():
    unit = UnitFactory()
    facilitator = MembershipFactory(unit=unit, role=Role.FACILITATOR).user
    experiment = ExperimentFactory(unit=unit)

    def post(url, data):
        def send():
            c = Client()
            c.force_login(facilitator)
            return c.post(url, data).status_code

        return send

    series = _at_once(3, post(reverse("units:series_create", args=[unit.slug]), _series_form(unit)))
    planned = unit.sessions.count()
    single = _at_once(3, post(reverse("units:session_create", args=[unit.slug]), _session_form()))
    invite = _at_once(
        3,
        post(
            reverse("units:invitation_create", args=[unit.slug]),
            {"email": "nieuw@example.org", "role": Role.PROFESSIONAL},
        ),
    )
    comment = _at_once(
        3,
        post(
            reverse("phases:experiment_comment", args=[unit.slug, experiment.pk]),
            {"text": "Mooi experiment"},
        ),
    )

    expected_series = len(
        range(0, (unit.planned_end - unit.planned_start - timedelta(7)).days + 1, 42)
    )
    assert planned == expected_series
    assert unit.sessions.count() == expected_series + 1
    assert Invitation.objects.filter(unit=unit).count() == 1
    assert ExperimentComment.objects.filter(experiment=experiment).count() == 1
    # Every answer is a redirect (done) or the form again with its message; never a 500.
    assert sorted(series) == [302, 302, 302]
    assert sorted(single) == [200, 200, 302]
    assert sorted(invite) == [200, 200, 302]
    assert sorted(comment) == [302, 302, 302]
