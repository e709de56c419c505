"""Invitations: the e-mail, the link that works once, new and existing accounts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from units.models import Invitation, Membership, Role

from ..factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, unit, email, role=Role.PROFESSIONAL):
    return client.post(
        reverse("units:invitation_create", args=[unit.slug]), {"email": email, "role": role}
    )


def test_the_facilitator_invites_and_an_email_goes_out(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(facilitator), unit, "New.Person@Example.org", Role.STUDENT)
    assert response.status_code == 302
    invitation = Invitation.objects.get(unit=unit)
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.STUDENT and invitation.invited_by == facilitator
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert unit.name in message.subject
    assert reverse("units:invitation_accept", args=[invitation.token]) in message.body


def test_the_invitation_email_speaks_dutch_to_a_dutch_account(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    UserFactory(email="nl@example.org", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(facilitator), unit, "nl@example.org")
    assert mail.outbox[0].subject.startswith("Uitnodiging")


def test_the_invitation_email_greets_the_person_by_the_name_given(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    url = reverse("units:invitation_create", args=[unit.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(
            url, {"email": "anna@example.org", "full_name": "Anna Bakker", "role": Role.STUDENT}
        )
        _invite(client_for(facilitator), unit, "nameless@example.org")
    assert [m.body.splitlines()[0] for m in mail.outbox] == ["Hello Anna Bakker,", "Hello,"]


def test_inviting_a_current_member_or_twice_is_refused(
    client_for, unit, facilitator, member, django_capture_on_commit_callbacks
):
    c = client_for(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(c, unit, member.email.upper())
        assert "already a member" in " ".join(response.context["form"].errors["email"])
        _invite(c, unit, "someone@example.org")
        response = _invite(c, unit, "someone@example.org")
        assert "already been invited" in " ".join(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_only_facilitators_invite(client_for, unit, member):
    assert _invite(client_for(member), unit, "x@example.org").status_code == 403
    assert not Invitation.objects.exists()


def test_a_new_person_creates_an_account_and_joins(client, unit, password):
    invitation = InvitationFactory(unit=unit, email="nieuw@example.org", role=Role.FAMILY_CARER)
    url = reverse("units:invitation_accept", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"full_name": "Nina Nieuw", "password1": password, "password2": password, "language": "nl"},
    )
    assert response.status_code == 302
    assert response["Location"] == unit.get_absolute_url()
    user = User.objects.get(email="nieuw@example.org")
    assert user.full_name == "Nina Nieuw" and user.language == "nl"
    assert user.check_password(password)
    membership = Membership.objects.get(unit=unit, user=user)
    assert membership.role == Role.FAMILY_CARER and membership.is_current
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == user
    # Logged in straight away.
    assert client.get(unit.get_absolute_url()).status_code == 200


def test_the_signup_form_explains_bad_passwords_and_saves_nothing(client, unit):
    invitation = InvitationFactory(unit=unit)
    url = reverse("units:invitation_accept", args=[invitation.token])
    response = client.post(
        url, {"full_name": "N", "password1": "abc", "password2": "abd", "language": "en"}
    )
    assert response.status_code == 200
    assert "not the same" in " ".join(response.context["form"].errors["password2"])
    response = client.post(
        url, {"full_name": "N", "password1": "12345678", "password2": "12345678", "language": "en"}
    )
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_password_errors_on_the_dutch_invitation_page_are_all_dutch(client, unit):
    invitation = InvitationFactory(unit=unit)
    url = reverse("units:invitation_accept", args=[invitation.token])
    data = {"full_name": "Kees", "password1": "abc", "password2": "abc", "language": "nl"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.context["form"].errors["password1"] == [
        "Dit wachtwoord is te kort. De minimale lengte is 8 tekens.",
        "Dit wachtwoord is te algemeen.",
    ]


def test_an_existing_account_logs_in_and_joins(client, client_for, unit):
    person = UserFactory(email="bestaand@example.org")
    invitation = InvitationFactory(unit=unit, email="Bestaand@example.org", role=Role.RESEARCHER)
    url = reverse("units:invitation_accept", args=[invitation.token])
    # Not logged in: asked to log in, not to create a second account.
    response = client.get(url)
    assert "units/invitation_login.html" in [t.name for t in response.templates]
    c = client_for(person)
    assert "units/invitation_accept.html" in [t.name for t in c.get(url).templates]
    response = c.post(url)
    assert response["Location"] == unit.get_absolute_url()
    assert Membership.objects.get(unit=unit, user=person).role == Role.RESEARCHER


def test_the_wrong_account_cannot_accept(client_for, unit, outsider):
    invitation = InvitationFactory(unit=unit, email="someone-else@example.org")
    url = reverse("units:invitation_accept", args=[invitation.token])
    c = client_for(outsider)
    response = c.get(url)
    assert "units/invitation_wrong_account.html" in [t.name for t in response.templates]
    c.post(url)
    assert not Membership.objects.filter(unit=unit, user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_link_works_only_once(client, client_for, unit, password):
    invitation = InvitationFactory(unit=unit, email="once@example.org")
    url = reverse("units:invitation_accept", args=[invitation.token])
    data = {"full_name": "Once", "password1": password, "password2": password, "language": "en"}
    client.post(url, data)
    other = client_for(UserFactory())
    response = other.get(url)
    assert "units/invitation_unusable.html" in [t.name for t in response.templates]
    assert "already been used" in response.content.decode()
    other.post(url, data)
    assert Membership.objects.filter(unit=unit).count() == 1


def test_an_expired_link_shows_a_clear_page(client, unit, password):
    invitation = InvitationFactory(
        unit=unit, email="late@example.org", expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("units:invitation_accept", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    client.post(url, {"full_name": "L", "password1": password, "password2": password})
    assert not User.objects.filter(email="late@example.org").exists()


def test_an_unknown_token_is_a_404(client):
    assert client.get(reverse("units:invitation_accept", args=["nope"])).status_code == 404


def test_a_withdrawn_invitation_no_longer_works(client, client_for, unit, facilitator):
    invitation = InvitationFactory(unit=unit)
    client_for(facilitator).post(
        reverse("units:invitation_withdraw", args=[unit.slug, invitation.pk])
    )
    response = client.get(reverse("units:invitation_accept", args=[invitation.token]))
    assert "has expired" in response.content.decode()


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a real Redis client aimed at a port where nothing listens."""
    from bpu.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    yield
    if app._pool is not None:
        app._pool.force_close_all()


def test_an_invitation_made_while_the_broker_is_down_is_kept_and_sent_when_it_is_back(
    client_for, unit, facilitator, broker_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client_for(facilitator), unit, "later@example.org")
    assert response.status_code == 302
    invitation = Invitation.objects.get(unit=unit)
    assert (invitation.email_sent_at, invitation.email_attempts) == (None, 0)
    assert mail.outbox == []
    members_page = client_for(facilitator).get(reverse("units:members", args=[unit.slug]))
    assert "e-mail waiting to be sent" in members_page.content.decode()

    # The broker is back; beat's next run sends what waited for more than two minutes.
    from bpu.celery import app
    from units import services

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    assert services.invitations_send_waiting(now=timezone.now()) == []
    later = timezone.now() + timedelta(minutes=3)
    assert services.invitations_send_waiting(now=later) == [invitation.pk]
    assert [m.to for m in mail.outbox] == [["later@example.org"]]
    invitation.refresh_from_db()
    assert invitation.email_sent_at is not None and invitation.email_attempts == 1
    # Sent once: the next run finds nothing waiting.
    assert services.invitations_send_waiting(now=later) == []
    assert services.invitation_send_email(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def test_an_invitation_email_that_keeps_failing_is_given_up_and_shown(
    client_for, unit, facilitator, settings
):
    from units import services

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # no mail server there
    invitation = InvitationFactory(unit=unit, email="x@example.org")
    later = timezone.now() + timedelta(minutes=3)
    for _attempt in range(services.INVITATION_EMAIL_MAX_ATTEMPTS):
        with pytest.raises(ConnectionRefusedError):
            services.invitation_send_email(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert (invitation.email_sent_at, invitation.email_attempts) == (None, 5)
    assert services.invitations_send_waiting(now=later) == []
    page = client_for(facilitator).get(reverse("units:members", args=[unit.slug]))
    assert "e-mail could not be sent" in page.content.decode()


def test_the_members_page_lists_open_and_recently_expired_invitations_only(
    client_for, unit, facilitator
):
    now = timezone.now()
    InvitationFactory(unit=unit, email="open@example.org")
    InvitationFactory(unit=unit, email="lapsed@example.org", expires_at=now - timedelta(days=3))
    InvitationFactory(unit=unit, email="long-ago@example.org", expires_at=now - timedelta(days=40))
    page = client_for(facilitator).get(reverse("units:members", args=[unit.slug]))
    shown = sorted(i.email for i in page.context["invitations"])
    assert shown == ["lapsed@example.org", "open@example.org"]
