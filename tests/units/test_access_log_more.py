"""The access log (NEN 7513) covers the consent pages and the administrator's reading
of experiments, attendance and memberships in the Django admin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from units import services
from units.models import ADMINISTRATOR, AccessAction, AccessLog, ConsentRecord, DataKind, Role

from ..factories import AttendanceFactory, ExperimentFactory, MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db

FIELDS = ("user", "role", "unit", "person", "respondent", "kind", "object_id", "action")


def _logged(**filters):
    return sorted(AccessLog.objects.filter(**filters).values_list(*FIELDS), key=str)


@pytest.fixture
def consent_text(unit, facilitator):
    return services.consent_text_publish(
        unit=unit, text_nl="Mag het?", text_en="May we?", by=facilitator
    )


def _answer(membership, consent_text, decision=ConsentRecord.Decision.GIVEN):
    return services.consent_record(
        membership=membership,
        decision=decision,
        method=ConsentRecord.Method.ONLINE,
        by=membership.user,
        consent_text=consent_text,
    )


# --- Consent -----------------------------------------------------------------------


def test_the_facilitators_consent_page_logs_every_members_answer(
    client_for, unit, facilitator, member, consent_text
):
    record = _answer(member.memberships.get(unit=unit), consent_text)

    response = client_for(facilitator).get(reverse("units:consent_manage", args=[unit.slug]))

    assert response.status_code == 200
    # The facilitator's own answer (none) is their own: not logged.
    assert _logged() == [
        (
            facilitator.pk,
            Role.FACILITATOR,
            unit.pk,
            member.pk,
            "",
            DataKind.CONSENT,
            record.pk,
            AccessAction.VIEWED,
        )
    ]


def test_the_facilitators_consent_page_logs_in_constant_queries(
    client_for, unit, facilitator, consent_text, django_assert_num_queries
):
    MembershipFactory(unit=unit)
    client = client_for(facilitator)
    client.get(reverse("units:consent_manage", args=[unit.slug]))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("units:consent_manage", args=[unit.slug]))
    for _i in range(10):
        _answer(MembershipFactory(unit=unit), consent_text)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("units:consent_manage", args=[unit.slug]))
    # 1 member + 11 members: one entry each per view.
    assert AccessLog.objects.count() == 1 + 1 + 11


def test_an_answer_recorded_on_paper_is_logged_as_created(
    client_for, unit, facilitator, member, consent_text
):
    membership = member.memberships.get(unit=unit)

    client_for(facilitator).post(
        reverse("units:consent_paper", args=[unit.slug, membership.pk]),
        {"decision": ConsentRecord.Decision.DECLINED},
    )

    record = ConsentRecord.objects.get(membership=membership)
    assert _logged() == [
        (
            facilitator.pk,
            Role.FACILITATOR,
            unit.pk,
            member.pk,
            "",
            DataKind.CONSENT,
            record.pk,
            AccessAction.CREATED,
        )
    ]


def test_a_persons_own_consent_page_is_not_logged(client_for, unit, member, consent_text):
    client_for(member).get(reverse("units:consent", args=[unit.slug]))
    client_for(member).post(reverse("units:consent", args=[unit.slug]), {"answer": "give"})
    assert AccessLog.objects.count() == 0


# --- The Django admin -----------------------------------------------------------------


def test_the_admin_list_of_experiments_logs_each_row_shown(client_for, admin_user, unit, member):
    experiments = [ExperimentFactory(unit=unit, author=member) for _i in range(2)]

    response = client_for(admin_user).get(reverse("admin:phases_experiment_changelist"))

    assert response.status_code == 200
    assert _logged() == sorted(
        [
            (
                admin_user.pk,
                ADMINISTRATOR,
                unit.pk,
                member.pk,
                "",
                DataKind.EXPERIMENT,
                e.pk,
                AccessAction.VIEWED,
            )
            for e in experiments
        ],
        key=str,
    )


def test_the_admin_list_logs_in_constant_queries(
    client_for, admin_user, unit, django_assert_num_queries
):
    session = SessionFactory(unit=unit)
    AttendanceFactory(session=session, user=MembershipFactory(unit=unit).user)
    client = client_for(admin_user)
    url = reverse("admin:units_attendance_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _i in range(10):
        AttendanceFactory(session=session, user=MembershipFactory(unit=unit).user)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
    assert AccessLog.objects.filter(kind=DataKind.ATTENDANCE).count() == 1 + 1 + 11


def test_the_admin_change_page_of_an_attendance_logs_it(client_for, admin_user, unit, member):
    attendance = AttendanceFactory(session=SessionFactory(unit=unit), user=member)

    response = client_for(admin_user).get(
        reverse("admin:units_attendance_change", args=[attendance.pk])
    )

    assert response.status_code == 200
    assert _logged() == [
        (
            admin_user.pk,
            ADMINISTRATOR,
            unit.pk,
            member.pk,
            "",
            DataKind.ATTENDANCE,
            attendance.pk,
            AccessAction.VIEWED,
        )
    ]


def test_changing_a_membership_in_the_admin_logs_the_view_and_the_change(
    client_for, admin_user, unit, member
):
    membership = member.memberships.get(unit=unit)
    url = reverse("admin:units_membership_change", args=[membership.pk])
    client = client_for(admin_user)
    client.get(url)
    response = client.post(
        url,
        {
            "user": member.pk,
            "unit": unit.pk,
            "role": Role.STUDENT,
            "joined_on": membership.joined_on.isoformat(),
            "left_on": "",
            "motivation": "",
            "expectations": "",
            "respondent_code": "",
        },
    )

    assert response.status_code == 302
    assert [row[-1] for row in _logged(person=member)] == sorted(
        [AccessAction.CHANGED, AccessAction.VIEWED]
    )
    assert {row[5] for row in _logged()} == {DataKind.MOTIVATION}


def test_the_admin_list_of_consent_records_logs_each_row_shown(
    client_for, admin_user, unit, member, consent_text
):
    record = _answer(member.memberships.get(unit=unit), consent_text)

    response = client_for(admin_user).get(reverse("admin:units_consentrecord_changelist"))

    assert response.status_code == 200
    assert _logged() == [
        (
            admin_user.pk,
            ADMINISTRATOR,
            unit.pk,
            member.pk,
            "",
            DataKind.CONSENT,
            record.pk,
            AccessAction.VIEWED,
        )
    ]


def test_a_log_of_more_entries_than_one_insert_takes_writes_them_all(unit, researcher):
    from units.access import Accessed, log_access

    codes = [f"R{i:05d}" for i in range(1201)]
    written = log_access(
        user=researcher,
        role=Role.RESEARCHER,
        unit=unit,
        action=AccessAction.CREATED,
        kind=DataKind.RESEARCH_DATA,
        accessed=[Accessed(respondent=code) for code in codes],
    )
    logged = AccessLog.objects.filter(unit=unit, user=researcher, action="created")
    assert written == 1201
    assert sorted(logged.values_list("respondent", flat=True)) == codes
