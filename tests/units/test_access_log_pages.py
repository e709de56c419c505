"""Where the access log is written (sessions, members) and read (the person, the admin)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from units.models import AccessAction, AccessLog, DataKind, Role

from ..factories import AttendanceFactory, MembershipFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _logged(**filters):
    return sorted(
        AccessLog.objects.filter(**filters).values_list("user", "person", "kind", "action")
    )


# --- Written by the pages that show or change a person's data ----------------------


def test_the_session_page_logs_the_attendance_it_shows(client_for, unit, member, researcher):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=1))
    AttendanceFactory(session=session, user=member)
    client_for(researcher).get(session.get_absolute_url())
    assert _logged() == [(researcher.pk, member.pk, DataKind.ATTENDANCE, AccessAction.VIEWED)]


def test_the_session_page_logs_in_constant_queries(
    client_for, unit, facilitator, django_assert_num_queries
):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=1))
    AttendanceFactory(session=session, user=MembershipFactory(unit=unit).user)
    c = client_for(facilitator)
    # The page's queries (its files included) and ONE access log INSERT for every row.
    with django_assert_num_queries(17) as small:
        c.get(session.get_absolute_url())
    for _i in range(15):
        AttendanceFactory(session=session, user=MembershipFactory(unit=unit).user)
    with django_assert_num_queries(len(small.captured_queries)):
        c.get(session.get_absolute_url())
    assert AccessLog.objects.count() == 1 + 16


def test_recording_attendance_logs_what_changed(client_for, unit, facilitator, member, researcher):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=1))
    AttendanceFactory(session=session, user=researcher, status="present")
    url = reverse("units:session_attendance", args=[unit.slug, session.pk])
    client_for(facilitator).post(
        url, {f"user_{member.pk}": "excused", f"user_{researcher.pk}": "absent"}
    )
    assert _logged(action__in=[AccessAction.CREATED, AccessAction.CHANGED]) == sorted(
        [
            (facilitator.pk, member.pk, DataKind.ATTENDANCE, AccessAction.CREATED),
            (facilitator.pk, researcher.pk, DataKind.ATTENDANCE, AccessAction.CHANGED),
        ]
    )
    client_for(facilitator).post(url, {f"user_{member.pk}": "excused"})
    assert _logged(action=AccessAction.DELETED) == [
        (facilitator.pk, researcher.pk, DataKind.ATTENDANCE, AccessAction.DELETED)
    ]


def test_the_members_page_logs_the_motivations_it_shows(client_for, unit, member, facilitator):
    MembershipFactory(unit=unit, motivation="")  # nothing of theirs shown
    writer = MembershipFactory(unit=unit, motivation="I want to learn from clients.")
    client_for(member).get(reverse("units:members", args=[unit.slug]))
    assert _logged() == [(member.pk, writer.user_id, DataKind.MOTIVATION, AccessAction.VIEWED)]


# --- Read by the person: who looked at my data ---------------------------------------


def test_the_person_sees_who_looked_at_their_data(client_for, unit, member, facilitator):
    session = SessionFactory(unit=unit, starts_at=timezone.now() - timedelta(days=1))
    AttendanceFactory(session=session, user=member)
    client_for(facilitator).get(session.get_absolute_url())
    someone_else = MembershipFactory(unit=unit, role=Role.RESEARCHER).user
    AttendanceFactory(session=session, user=someone_else)
    client_for(member).get(session.get_absolute_url())  # member looks at someone else's

    page = client_for(member).get(reverse("units:access_log_mine")).content.decode()

    assert escape(facilitator.get_full_name()) in page
    assert "(Facilitator, " in page
    assert "Viewed: attendance" in page
    # Their own look at another person's attendance is that person's, not theirs.
    assert escape(member.get_full_name()) not in page.split("<h1", 1)[1].split("</ul>", 1)[0]
    other = client_for(someone_else).get(reverse("units:access_log_mine")).content.decode()
    assert escape(member.get_full_name()) in other


def test_the_persons_page_is_paged_in_constant_queries(
    client_for, unit, member, facilitator, django_assert_num_queries
):
    def look(times):
        AccessLog.objects.bulk_create(
            AccessLog(
                user=facilitator,
                role=Role.FACILITATOR,
                unit=unit,
                person=member,
                kind=DataKind.ATTENDANCE,
                action=AccessAction.VIEWED,
            )
            for _i in range(times)
        )

    look(1)
    c = client_for(member)
    url = reverse("units:access_log_mine")
    # session, user, savepoint, the count, the bell, one page of entries (+ who, unit),
    # release, session save (savepoint, update, release).
    with django_assert_num_queries(10) as few:
        c.get(url)
    look(40)
    with django_assert_num_queries(len(few.captured_queries)):
        page = c.get(url).content.decode()
    assert page.count("Viewed: attendance") == 25
    assert "Page 1 of 2" in page
    assert c.get(url + "?page=2").content.decode().count("Viewed: attendance") == 16


def test_nobody_has_looked_yet(client_for, member):
    page = client_for(member).get(reverse("units:access_log_mine")).content.decode()
    assert "Nobody else has opened or changed your data yet." in page


def test_the_profile_links_to_the_page(client_for, member):
    page = client_for(member).get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("units:access_log_mine")}"' in page


# --- Read by administrators: search and export, never change -------------------------


def _an_entry(viewer, person, unit):
    return AccessLog.objects.create(
        user=viewer,
        role=Role.FACILITATOR,
        unit=unit,
        person=person,
        kind=DataKind.EXPERIMENT,
        object_id=7,
        action=AccessAction.VIEWED,
    )


def test_the_admin_cannot_change_or_delete_an_entry(client_for, admin_user, unit, member):
    entry = _an_entry(UserFactory(), member, unit)
    c = client_for(admin_user)
    change = c.get(reverse("admin:units_accesslog_change", args=[entry.pk])).content.decode()
    assert 'name="_save"' not in change
    assert c.post(reverse("admin:units_accesslog_delete", args=[entry.pk])).status_code == 403
    assert c.get(reverse("admin:units_accesslog_add")).status_code == 403
    assert AccessLog.objects.count() == 1


def test_the_admin_filters_by_person(client_for, admin_user, unit, member, researcher):
    _an_entry(UserFactory(full_name="Viewer Of Member"), member, unit)
    _an_entry(UserFactory(full_name="Viewer Of Researcher"), researcher, unit)
    page = client_for(admin_user).get(
        reverse("admin:units_accesslog_changelist"), {"person__id__exact": member.pk}
    )
    results = page.content.decode().split('id="result_list"', 1)[1].split("</table>", 1)[0]
    assert "Viewer Of Member" in results
    assert "Viewer Of Researcher" not in results


def test_the_csv_export_is_itself_logged(client_for, admin_user, unit, member, researcher):
    first = _an_entry(UserFactory(), member, unit)
    second = _an_entry(UserFactory(), researcher, unit)
    response = client_for(admin_user).post(
        reverse("admin:units_accesslog_changelist"),
        {"action": "export_csv", "_selected_action": [first.pk, second.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [(r["person_id"], r["kind"], r["action"]) for r in rows] == [
        (str(member.pk), "experiment", "viewed"),
        (str(researcher.pk), "experiment", "viewed"),
    ]
    assert _logged(user=admin_user) == sorted(
        [
            (admin_user.pk, member.pk, DataKind.ACCESS_LOG, AccessAction.EXPORTED),
            (admin_user.pk, researcher.pk, DataKind.ACCESS_LOG, AccessAction.EXPORTED),
        ]
    )
    assert set(AccessLog.objects.filter(user=admin_user).values_list("role", flat=True)) == {
        "administrator"
    }
