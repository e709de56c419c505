"""Coming, maybe, not coming: from the session page and from the reminder e-mail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import MembershipFactory, SessionFactory
from units import services
from units.models import Role, Rsvp, Session
from units.rsvp import rsvp_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(unit):
    return SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=3))


def _answer(client, session, answer):
    url = reverse("units:session_rsvp", args=[session.unit.slug, session.pk])
    return client.post(url, {"answer": answer})


def test_a_member_answers_from_the_session_page(client_for, session, member):
    client = client_for(member)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Are you coming?" in page
    assert _answer(client, session, "yes").status_code == 302
    assert _answer(client, session, "maybe").status_code == 302  # changes the answer
    assert list(Rsvp.objects.values_list("user_id", "answer")) == [(member.pk, "maybe")]
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'value="maybe" class="btn btn-primary"' in page


def test_the_facilitator_sees_the_expected_attendance(
    client_for, session, unit, facilitator, member, service_user, manager
):
    carer = MembershipFactory(unit=unit, role=Role.FAMILY_CARER).user
    services.rsvp_set(session=session, user=member, answer="yes")
    services.rsvp_set(session=session, user=service_user, answer="yes")
    services.rsvp_set(session=session, user=carer, answer="no")
    page = client_for(facilitator).get(session.get_absolute_url()).content.decode()
    assert "<strong>Coming: 2</strong>" in page
    assert "<strong>Maybe: 0</strong>" in page
    assert "<strong>Not coming: 1</strong>" in page
    assert "<strong>No answer yet: 2</strong>" in page  # the facilitator and the manager
    # As the page writes them: a Dutch name such as "van 't Hof" comes HTML-escaped.
    names = escape(facilitator.get_full_name()), escape(manager.get_full_name())
    assert f"({names[0]}, {names[1]})" in page or f"({names[1]}, {names[0]})" in page
    # Members see their own answer, not the others'.
    assert (
        "No answer yet" not in client_for(member).get(session.get_absolute_url()).content.decode()
    )


def test_only_members_answer_and_only_before_the_session(session, member, outsider):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.rsvp_set(session=session, user=outsider, answer="yes")
    with pytest.raises(ValidationError):
        services.rsvp_set(session=session, user=member, answer="perhaps")
    session.status = Session.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.rsvp_set(session=session, user=member, answer="yes")
    session.status = Session.Status.PLANNED
    session.starts_at = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError):
        services.rsvp_set(session=session, user=member, answer="yes")
    assert not Rsvp.objects.exists()


def test_the_reminder_carries_signed_links_that_answer_without_logging_in(
    client, session, member, unit
):
    unit.reminder_days_before = 5
    unit.save()
    services.session_send_reminder(session=session)
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    link = next(
        line.split(": ", 1)[1] for line in message.body.splitlines() if "Not coming" in line
    )
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert not Rsvp.objects.exists()  # opening the link changes nothing
    response = client.post("/" + path.split("?")[0], {"answer": "no"})
    assert "your answer is saved" in response.content.decode()
    assert Rsvp.objects.get().answer == "no"


def test_a_tampered_rsvp_link_is_refused(client, session, member, facilitator):
    token = rsvp_token(session=session, user=member)
    forged = rsvp_token(session=session, user=facilitator)[:-4] + token[-4:]
    for bad in (forged, "nonsense"):
        response = client.post(reverse("units:session_rsvp_link", args=[bad]), {"answer": "yes"})
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert not Rsvp.objects.exists()
