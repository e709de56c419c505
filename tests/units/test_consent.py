"""Consent: asked on joining, given or declined online or recorded on paper, withdrawn
from the person's own page; a new version asks again; researchers see it per member
and per respondent code."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from research.models import Observation
from tests.research.analysis_data import add_values, make_measure
from units import services
from units.models import ConsentRecord, Membership, Role

from ..factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent_text(unit, facilitator):
    return services.consent_text_publish(
        unit=unit,
        text_nl="Mag het? Je mag nee zeggen.",
        text_en="May we? You may say no.",
        by=facilitator,
    )


def test_joining_asks_for_consent_in_the_persons_language(client, unit, consent_text, password):
    invitation = InvitationFactory(unit=unit, role=Role.FAMILY_CARER)
    response = client.post(
        reverse("units:invitation_accept", args=[invitation.token]),
        {"full_name": "Nina", "password1": password, "password2": password, "language": "nl"},
    )
    assert response.url == reverse("units:consent", args=[unit.slug])
    page = client.get(response.url, headers={"accept-language": "nl"}).content.decode()
    assert "Mag het? Je mag nee zeggen." in page
    assert "Ja, ik geef toestemming" in page

    client.post(response.url, {"answer": "give"})
    record = ConsentRecord.objects.get()
    assert (record.decision, record.method, record.consent_text.version) == ("given", "online", 1)
    assert record.user.email == invitation.email
    assert record.recorded_by == record.user


def test_withdrawal_from_the_profile_page(client_for, service_user, unit, consent_text):
    client = client_for(service_user)
    client.post(reverse("units:consent", args=[unit.slug]), {"answer": "give"})
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert unit.name in profile and "Read or withdraw" in profile

    client.post(reverse("units:consent", args=[unit.slug]), {"answer": "withdraw"})
    decisions = list(
        ConsentRecord.objects.order_by("recorded_at", "pk").values_list("decision", flat=True)
    )
    assert decisions == ["given", "withdrawn"]
    assert "Withdrawn" in client.get(reverse("accounts:profile")).content.decode()


def test_a_new_version_asks_everybody_again(client_for, member, unit, consent_text, facilitator):
    client = client_for(member)
    client.post(reverse("units:consent", args=[unit.slug]), {"answer": "give"})
    assert "Consent asked" not in client.get(reverse("units:dashboard")).content.decode()

    client_for(facilitator).post(
        reverse("units:consent_manage", args=[unit.slug]),
        {"text_nl": "Versie 2", "text_en": "Version 2"},
    )
    dashboard = client.get(reverse("units:dashboard")).content.decode()
    assert "Please read the consent text and give your answer." in dashboard
    page = client.get(reverse("units:consent", args=[unit.slug])).content.decode()
    assert "Given for an earlier version; asked again" in page


def test_the_facilitator_records_an_answer_given_on_paper(
    client_for, facilitator, unit, consent_text
):
    carer = MembershipFactory(unit=unit, role=Role.FAMILY_CARER)
    client_for(facilitator).post(
        reverse("units:consent_paper", args=[unit.slug, carer.pk]), {"decision": "given"}
    )
    record = ConsentRecord.objects.get()
    assert (record.user, record.method, record.recorded_by) == (carer.user, "paper", facilitator)


def test_nobody_answers_online_for_someone_else(facilitator, member, unit, consent_text):
    with pytest.raises(ValidationError):
        services.consent_record(
            membership=Membership.objects.get(user=member),
            decision="given",
            method="online",
            by=facilitator,
            consent_text=consent_text,
        )
    assert not ConsentRecord.objects.exists()


def test_researchers_see_consent_per_member_and_per_respondent_code(
    client_for, researcher, service_user, unit, consent_text, django_assert_max_num_queries
):
    membership = Membership.objects.get(user=service_user)
    client = client_for(researcher)
    client.post(
        reverse("research:respondent_code", args=[unit.slug, membership.pk]),
        {"respondent_code": "c1"},
    )
    services.consent_record(
        membership=membership,
        decision="withdrawn",
        method="online",
        by=service_user,
        consent_text=consent_text,
    )
    measure = make_measure(unit, "wellbeing", minimum=1, maximum=5)
    add_values(unit, measure, "baseline", {"c1": 3, "c2": 4})
    page = client.get(reverse("research:consent", args=[unit.slug]))
    rows = {c.code: (c.values, c.counted) for c in page.context["codes"]}
    assert rows == {"c1": (1, False), "c2": (1, True)}
    assert page.context["left_out"] == 1
    assert "1 person declined or withdrew consent" in page.content.decode()

    # More members and codes cost no more queries.
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("research:consent", args=[unit.slug]))
    for n in range(10):
        MembershipFactory(unit=unit, role=Role.SERVICE_USER, respondent_code=f"x{n}")
    add_values(unit, measure, "final", {f"x{n}": 3 for n in range(10)})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("research:consent", args=[unit.slug]))
    assert Observation.objects.filter(unit=unit).count() == 12


def test_a_respondent_code_is_one_members(researcher, service_user, member, unit):
    services.membership_set_respondent_code(
        membership=Membership.objects.get(user=service_user), code="c1"
    )
    with pytest.raises(ValidationError, match="already another member"):
        services.membership_set_respondent_code(
            membership=Membership.objects.get(user=member), code="c1"
        )
