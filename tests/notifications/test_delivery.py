"""Notifications by e-mail: once, gathered, in the person's language, never about
what they may not see."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Frequency, Kind, Notification
from notifications.preferences import preference_set
from notifications.steps import steps_notify_due
from notifications.tasks import send_notification_email
from phases import services as phases
from tests.factories import (
    ActionStepFactory,
    ExperimentFactory,
    GoalFactory,
    MembershipFactory,
    SessionFactory,
)
from units import services as units
from units.models import Role

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=3)


def _respond(experiment, author, text="I tried this too."):
    return phases.experiment_comment_create(experiment=experiment, author=author, text=text)


def test_a_response_to_my_experiment_reaches_me_in_my_language(
    unit, member, service_user, django_capture_on_commit_callbacks
):
    member.language = "nl"
    member.save(update_fields=["language"])
    preference_set(user=member, kind=Kind.RESPONSE, frequency=Frequency.IMMEDIATELY)
    experiment = ExperimentFactory(unit=unit, author=member, title="Open vragen")
    with django_capture_on_commit_callbacks(execute=True):
        _respond(experiment, service_user)
    assert mail.outbox == []  # it waits a couple of minutes for more to gather
    sent = services.notification_email_send(user_id=member.pk, now=timezone.now() + LATER)
    assert sent == 1
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "reageerde op je experiment" in message.subject
    assert "Open vragen" in message.subject
    assert "/settings/link/" in message.body


def test_a_retried_task_sends_one_email(unit, member, service_user):
    experiment = ExperimentFactory(unit=unit, author=member)
    _respond(experiment, service_user)
    Notification.objects.update(email_due_at=timezone.now() - timedelta(seconds=1))
    send_notification_email.apply(args=[member.pk])
    send_notification_email.apply(args=[member.pk])  # the same task delivered again
    assert services.notifications_send_due() == 0  # and beat's sweep finds nothing left
    assert len(mail.outbox) == 1


def test_a_failed_send_hands_the_claim_back(unit, member, service_user, monkeypatch):
    experiment = ExperimentFactory(unit=unit, author=member)
    _respond(experiment, service_user)
    Notification.objects.update(email_due_at=timezone.now() - timedelta(seconds=1))

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(OSError):
        services.notification_email_send(user_id=member.pk)
    monkeypatch.undo()
    assert services.notification_email_send(user_id=member.pk) == 1
    assert len(mail.outbox) == 1


def test_a_burst_of_responses_is_one_email(unit, member, service_user, facilitator):
    preference_set(user=member, kind=Kind.RESPONSE, frequency=Frequency.IMMEDIATELY)
    experiment = ExperimentFactory(unit=unit, author=member)
    _respond(experiment, service_user, "First")
    _respond(experiment, facilitator, "Second")
    _respond(experiment, service_user, "Third")
    dues = set(Notification.objects.filter(recipient=member).values_list("email_due_at", flat=True))
    assert len(dues) == 1
    # The service user took part too and, as a client, hears at once: their own e-mail.
    assert services.notifications_send_due(now=timezone.now() + LATER) == 2
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    assert message.body.count("responded to your experiment") == 3


def test_a_daily_digest_gathers_the_day_into_one_message_per_person(unit, member, facilitator):
    # Defaults: professionals and facilitators get responses in a daily digest.
    colleague = MembershipFactory(unit=unit, role=Role.PROFESSIONAL).user
    mine = ExperimentFactory(unit=unit, author=member)
    theirs = ExperimentFactory(unit=unit, author=facilitator)
    _respond(mine, colleague, "one")
    _respond(mine, facilitator, "two")  # the member, and the colleague who responded
    _respond(theirs, member, "three")
    _respond(theirs, colleague, "four")  # the facilitator, and the member who responded
    assert services.notifications_send_due(now=timezone.now() + LATER) == 0
    due = Notification.objects.filter(recipient=member).values_list("email_due_at", flat=True)
    morning = max(due)
    assert timezone.localtime(morning).hour == 7
    assert services.notifications_send_due(now=morning) == 3
    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert "3 new things" in by_person[member.email].subject
    assert "2 new things" in by_person[facilitator.email].subject
    assert "also responded" in by_person[colleague.email].subject
    assert services.notifications_send_due(now=morning + timedelta(hours=1)) == 0


def test_no_email_when_the_person_chose_none(unit, member, service_user):
    preference_set(user=member, kind=Kind.RESPONSE, frequency=Frequency.NEVER)
    _respond(ExperimentFactory(unit=unit, author=member), service_user)
    assert Notification.objects.get(recipient=member).email_due_at is None
    assert services.notifications_send_due(now=timezone.now() + timedelta(days=8)) == 0


def test_nobody_hears_of_what_they_may_not_see(unit, member, service_user, facilitator):
    experiment = ExperimentFactory(unit=unit, author=member)
    _respond(experiment, facilitator, "Before leaving")
    # The facilitator of another unit (not a member here) once commented as an admin
    # would; a former member commented and left.
    former = MembershipFactory(unit=unit, role=Role.PROFESSIONAL)
    _respond(experiment, former.user, "I was here")
    former.left_on = timezone.localdate()
    former.save(update_fields=["left_on"])
    Notification.objects.all().delete()
    _respond(experiment, service_user, "After")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {member.pk, facilitator.pk}


def test_someone_who_left_before_the_email_does_not_get_it(unit, member, service_user):
    _respond(ExperimentFactory(unit=unit, author=member), service_user)
    unit.memberships.filter(user=member).update(left_on=timezone.localdate())
    assert services.notifications_send_due(now=timezone.now() + timedelta(days=8)) == 0
    assert mail.outbox == []


def test_a_programme_report_is_told_only_to_whoever_may_read_it(unit, facilitator, researcher):
    from reports.models import Report
    from reports.services import _mark_failed
    from tests.factories import ProgrammeFactory, UnitFactory

    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    other = UnitFactory(programme=programme)
    MembershipFactory(unit=other, role=Role.FACILITATOR)
    for version, person in enumerate((facilitator, researcher), start=1):
        report = Report.objects.create(
            programme=programme, kind="comparison", language="en", version=version,
            requested_by=person,
        )  # fmt: skip
        _mark_failed(report.pk, "broken")
    # Both see the research of only one of the programme's two units: not told.
    assert not Notification.objects.exists()
    MembershipFactory(unit=other, user=researcher, role=Role.RESEARCHER)
    report = Report.objects.create(
        programme=programme, kind="comparison", language="en", version=3, requested_by=researcher
    )
    _mark_failed(report.pk, "broken")
    _mark_failed(report.pk, "broken again")
    [told] = Notification.objects.all()
    assert (told.recipient, told.event) == (researcher, "report.failed")


def test_a_moved_session_is_told_with_the_calendar_update(unit, member, facilitator):
    session = SessionFactory(unit=unit, starts_at=timezone.now() + timedelta(days=10))
    local = timezone.localtime(session.starts_at) + timedelta(days=1)
    units.session_update(
        session=session, day=local.date(), at=local.time().replace(microsecond=0),
        duration_minutes=90, location="Wijkcentrum", online_url="", actor=facilitator,
    )  # fmt: skip
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {member.pk}
    assert services.notifications_send_due(now=timezone.now() + LATER) == 1
    [message] = mail.outbox
    assert "It is now on" in message.subject
    [(name, ics, kind)] = message.attachments
    assert name == "sessions.ics" and kind.startswith("text/calendar")
    assert "Wijkcentrum" in ics.decode() if isinstance(ics, bytes) else "Wijkcentrum" in ics


def test_an_assigned_step_and_its_due_date_are_told_once(unit, member, facilitator):
    goal = GoalFactory(unit=unit)
    step = phases.action_step_create(
        goal=goal, what="Call three families", owner=member, actor=facilitator,
        due_date=timezone.localdate() + timedelta(days=1),
    )  # fmt: skip
    phases.action_step_create(goal=goal, what="My own", owner=facilitator, actor=facilitator)
    assert list(Notification.objects.values_list("recipient_id", "event")) == [
        (member.pk, "action_step.assigned")
    ]
    assert steps_notify_due() == 1
    assert steps_notify_due() == 0
    ActionStepFactory(goal=goal, owner=member, due_date=timezone.localdate() - timedelta(days=1))
    assert steps_notify_due() == 1
    events = sorted(Notification.objects.values_list("event", flat=True))
    assert events == ["action_step.assigned", "action_step.due_soon", "action_step.overdue"]
    assert step.pk


def test_an_accepted_invitation_is_told_to_the_inviter(unit, facilitator):
    from tests.factories import InvitationFactory, UserFactory

    invitation = InvitationFactory(unit=unit, invited_by=facilitator, role=Role.FAMILY_CARER)
    person = UserFactory(email=invitation.email)
    units.invitation_accept(invitation=invitation, user=person)
    [told] = Notification.objects.all()
    assert (told.recipient, told.actor, told.data["role"]) == (facilitator, person, "family_carer")


def test_a_phase_change_is_told_to_the_members_but_not_the_one_who_made_it(
    unit, facilitator, member, manager
):
    phases.phase_advance(unit=unit, actor=facilitator, justification="We are ready.")
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {member.pk, manager.pk}


def test_clients_hear_of_responses_at_once_and_others_daily(unit, member, service_user, manager):
    _respond(ExperimentFactory(unit=unit, author=service_user), member)
    _respond(ExperimentFactory(unit=unit, author=member), service_user)
    now = timezone.now()
    client_due = Notification.objects.get(recipient=service_user).email_due_at
    member_due = Notification.objects.get(recipient=member).email_due_at
    assert client_due - now < timedelta(minutes=3)
    assert member_due - now > timedelta(minutes=3)
