"""Invitations from a list: pasted or a CSV file, previewed row by row, sent all at once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from units import services
from units.invitation_lists import Outcome, plan_invitations, read_list
from units.models import Invitation, Role

from ..factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _read(text, default_role=Role.PROFESSIONAL):
    return read_list(text, default_role=default_role)


# --- Reading a list -----------------------------------------------------------------


def test_dutch_headers_and_role_names_with_semicolons_are_read():
    checked = _read(
        "Naam;E-mailadres;Rol\n"
        "Anna de Vries;Anna@Example.org;Cliënt\n"
        "Bram Jansen;bram@example.org;mantelzorger\n"
        "Chris Bakker;chris@example.org;Onderzoeker\n"
    )
    assert checked.problems == []
    assert [(r.number, r.name, r.email, r.role) for r in checked.rows] == [
        (2, "Anna de Vries", "anna@example.org", Role.SERVICE_USER),
        (3, "Bram Jansen", "bram@example.org", Role.FAMILY_CARER),
        (4, "Chris Bakker", "chris@example.org", Role.RESEARCHER),
    ]
    assert all(r.outcome == Outcome.INVITE for r in checked.rows)


def test_english_headers_in_another_order_with_commas_and_a_bom():
    checked = _read("\ufeffRole,E-mail,Name\nFamily carer,dan@example.org,Dan Smit\n")
    (row,) = checked.rows
    assert (row.name, row.email, row.role) == ("Dan Smit", "dan@example.org", Role.FAMILY_CARER)


def test_without_headers_the_columns_are_name_email_role_and_a_missing_role_is_the_default():
    checked = _read(
        "Eva Visser\teva@example.org\n\nFrank Mol\tfrank@example.org\tstudent\n", "manager"
    )
    assert [(r.number, r.role) for r in checked.rows] == [(1, Role.MANAGER), (3, Role.STUDENT)]


def test_bad_rows_are_reported_with_row_and_column():
    checked = _read(
        "naam;e-mail;rol\n"
        ";gijs@example.org;professional\n"
        "Hanna;hanna-at-example.org;professional\n"
        "Ida;ida@example.org;kapitein\n"
    )
    assert [r.problems for r in checked.rows] == [
        ["Row 2, column “name”: the name is missing."],
        ["Row 3, column “e-mail”: “hanna-at-example.org” is not an e-mail address."],
        [
            "Row 4, column “role”: “kapitein” is not a role. Roles: Facilitator, Professional, "
            "Researcher, Student, Service user, Family carer, Manager / stakeholder."
        ],
    ]
    assert not checked.can_send


def test_an_address_twice_in_the_list_is_reported_at_its_second_row():
    checked = _read("Jan;jan@example.org\nJan B.;JAN@example.org\n")
    assert checked.rows[0].outcome == Outcome.INVITE
    assert checked.rows[1].problems == [
        "Row 2: jan@example.org is in the list twice (also in row 1)."
    ]
    assert not checked.can_send


def test_headers_without_an_email_or_name_column_or_without_rows_are_refused():
    assert _read("naam;rol\nKees;professional\n").problems == [
        "Row 1 has column headers, but none for the e-mail address."
    ]
    assert _read("voornaam;e-mail\nKees;kees@example.org\n").problems == [
        "Row 1 has column headers, but none for the name."
    ]
    assert _read("naam;e-mail;rol\n\n").problems == [
        "The list has column headers only. Add a row for each person."
    ]


def test_members_and_open_invitations_are_skipped_not_invited_twice(unit, member):
    InvitationFactory(unit=unit, email="open@example.org")
    InvitationFactory(
        unit=unit, email="expired@example.org", expires_at=timezone.now() - timedelta(days=1)
    )
    member.email = "Lid@Example.org"
    member.save()
    checked = plan_invitations(
        unit,
        _read(
            "Lid;lid@example.org\nOpen;open@example.org\nVerlopen;expired@example.org\n"
            "Nieuw;nieuw@example.org\n"
        ),
    )
    assert [r.outcome for r in checked.rows] == [
        Outcome.MEMBER,
        Outcome.INVITED,
        Outcome.INVITE,
        Outcome.INVITE,
    ]
    assert checked.rows[0].note == "Already a member of this unit: not invited."
    assert checked.can_send


# --- The pages ------------------------------------------------------------------------

TEN = "naam;e-mailadres;rol\n" + "".join(
    f"Persoon {n};persoon{n}@example.org;{'mantelzorger' if n % 2 else 'professional'}\n"
    for n in range(1, 11)
)


def _bulk(client, unit, **data):
    return client.post(reverse("units:invitation_bulk", args=[unit.slug]), data)


def test_a_csv_file_is_previewed_without_writing_anything(client_for, unit, facilitator):
    upload = SimpleUploadedFile("leden.csv", ("\ufeff" + TEN).encode(), content_type="text/csv")
    response = _bulk(client_for(facilitator), unit, file=upload, default_role=Role.PROFESSIONAL)
    assert response.status_code == 200
    assert response.context["summary"] == "10 people will be invited."
    assert not Invitation.objects.exists()
    assert b"Send 10 invitations" in response.content


def test_confirming_invites_everyone_and_sends_one_email_each(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _bulk(
            client_for(facilitator), unit, text=TEN, default_role=Role.PROFESSIONAL, confirm="1"
        )
    assert response.status_code == 302
    invitations = Invitation.objects.filter(unit=unit).order_by("email")
    assert invitations.count() == 10
    first = invitations.get(email="persoon1@example.org")
    assert (first.full_name, first.role, first.invited_by) == (
        "Persoon 1",
        Role.FAMILY_CARER,
        facilitator,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in invitations)
    assert all(i.email_sent_at is not None for i in invitations)


def test_a_list_with_a_problem_invites_nobody_even_when_confirmed(client_for, unit, facilitator):
    response = _bulk(
        client_for(facilitator),
        unit,
        text=TEN + "Fout;geen-adres;professional\n",
        default_role=Role.PROFESSIONAL,
        confirm="1",
    )
    assert response.status_code == 200
    assert "Row 12, column “e-mail”" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_service_reads_the_list_again_and_skips_who_joined_meanwhile(unit, facilitator):
    previewed = plan_invitations(unit, _read(TEN))
    assert len(previewed.to_invite) == 10
    InvitationFactory(unit=unit, email="persoon3@example.org")  # invited in another tab
    invitations, checked = services.invitations_create_bulk(
        unit=unit, text=TEN, default_role=Role.PROFESSIONAL, invited_by=facilitator
    )
    assert len(invitations) == 9
    assert [r.email for r in checked.skipped] == ["persoon3@example.org"]
    assert Invitation.objects.filter(email="persoon3@example.org").count() == 1


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(client_for, unit, facilitator):
    upload = SimpleUploadedFile("leden.csv", "Zoë;zoe@example.org\n".encode("utf-16"))
    response = _bulk(client_for(facilitator), unit, file=upload, default_role=Role.PROFESSIONAL)
    assert response.context["form"].errors["file"] == [
        "“leden.csv” is not saved as UTF-8 text. In Excel, choose Save as > "
        "“CSV UTF-8 (comma delimited)”."
    ]


def test_only_facilitators_invite_from_a_list(client_for, unit, member):
    response = _bulk(client_for(member), unit, text=TEN, default_role="professional", confirm="1")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- Resend, and what the members page shows ---------------------------------------------


def test_resending_an_expired_invitation_opens_it_for_two_weeks_and_mails_it_again(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        unit=unit,
        email="later@example.org",
        expires_at=timezone.now() - timedelta(days=3),
        email_sent_at=timezone.now() - timedelta(days=17),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(facilitator).post(
            reverse("units:invitation_resend", args=[unit.slug, invitation.pk])
        )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_usable
    assert timedelta(days=13) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    assert [m.to for m in mail.outbox] == [["later@example.org"]]


def test_an_accepted_invitation_is_not_resent(unit, facilitator, member):
    invitation = InvitationFactory(unit=unit, accepted_at=timezone.now(), accepted_by=member)
    with pytest.raises(ValidationError, match="has been accepted"):
        services.invitation_resend(invitation=invitation)


def test_the_members_page_shows_accepted_pending_and_expired_invitations(
    client_for, unit, facilitator, member
):
    InvitationFactory(unit=unit, email="open@example.org", full_name="Olga Open")
    InvitationFactory(
        unit=unit, email="acc@example.org", accepted_at=timezone.now(), accepted_by=member
    )
    InvitationFactory(
        unit=unit, email="old@example.org", expires_at=timezone.now() - timedelta(days=2)
    )
    response = client_for(facilitator).get(reverse("units:members", args=[unit.slug]))
    statuses = {
        inv.email: ("accepted" if inv.accepted_at else "pending" if inv.is_usable else "expired")
        for inv in response.context["invitations"]
    }
    assert statuses == {
        "open@example.org": "pending",
        "acc@example.org": "accepted",
        "old@example.org": "expired",
    }
    assert "Olga Open" in response.content.decode()


def test_the_sign_up_form_is_filled_in_with_the_invited_name(client, unit):
    invitation = InvitationFactory(unit=unit, full_name="Nina Nieuw")
    response = client.get(reverse("units:invitation_accept", args=[invitation.token]))
    assert response.context["form"]["full_name"].value() == "Nina Nieuw"


def test_confirming_twice_invites_each_person_once(
    client_for, unit, facilitator, django_capture_on_commit_callbacks
):
    c = client_for(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        _bulk(c, unit, text=TEN, default_role=Role.PROFESSIONAL, confirm="1")
        again = _bulk(c, unit, text=TEN, default_role=Role.PROFESSIONAL, confirm="1")
    assert again.status_code == 200
    assert again.context["summary"] == "10 are already members or invited."
    assert Invitation.objects.count() == 10
    assert len(mail.outbox) == 10


def test_the_preview_costs_the_same_queries_for_ten_or_a_hundred_rows(
    client_for, unit, facilitator
):
    c = client_for(facilitator)
    hundred = "".join(f"P {n};p{n}@example.org;student\n" for n in range(100))
    with CaptureQueriesContext(connection) as ten:
        _bulk(c, unit, text=TEN, default_role=Role.PROFESSIONAL)
    with CaptureQueriesContext(connection) as many:
        response = _bulk(c, unit, text=hundred, default_role=Role.PROFESSIONAL)
    assert response.context["summary"] == "100 people will be invited."
    assert len(many) == len(ten)
