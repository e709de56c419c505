"""The facilitator's own log: private notes on the unit and its members."""

import pytest
from django.urls import reverse

from units.models import FacilitatorNote

pytestmark = pytest.mark.django_db


def _url(unit):
    return reverse("units:facilitator_notes", kwargs={"slug": unit.slug})


def test_a_facilitator_writes_a_note_about_a_member_and_finds_it_under_that_member(
    unit, facilitator, member, client_for
):
    client = client_for(facilitator)
    response = client.post(
        _url(unit), {"member": member.pk, "text": "Called her: busy weeks at work."}
    )
    assert response.status_code == 302
    note = FacilitatorNote.objects.get()
    assert (note.member, note.author) == (member, facilitator)
    page = client.get(_url(unit) + f"?member={member.pk}").content.decode()
    assert "Called her: busy weeks at work." in page


def test_an_empty_note_is_refused_with_a_message_and_nothing_is_written(
    unit, facilitator, client_for
):
    response = client_for(facilitator).post(_url(unit), {"text": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert FacilitatorNote.objects.count() == 0


def test_a_note_on_someone_of_another_unit_is_refused(unit, facilitator, client_for):
    from tests.factories import MembershipFactory

    elsewhere = MembershipFactory().user
    response = client_for(facilitator).post(
        _url(unit), {"member": elsewhere.pk, "text": "Not ours."}
    )
    assert response.status_code == 200
    assert FacilitatorNote.objects.count() == 0


def test_members_and_administrators_do_not_see_the_notes(
    unit, member, manager, admin_user, client_for
):
    for person in (member, manager, admin_user):
        assert client_for(person).get(_url(unit)).status_code == 403


def test_the_member_a_note_is_about_finds_it_in_the_download_of_their_data(
    unit, facilitator, member
):
    from accounts.personal_data import personal_data

    FacilitatorNote.objects.create(unit=unit, author=facilitator, member=member, text="Spoke.")
    rows = personal_data(member)["references"]["units.FacilitatorNote.member"]
    assert [row["text"] for row in rows] == ["Spoke."]
