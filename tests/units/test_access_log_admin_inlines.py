"""The access log (NEN 7513) covers what the Django admin shows of people's data on
another model's page (attendance on a session, responses on an experiment) and the
history pages of an object whose data is logged."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from units.models import ADMINISTRATOR, AccessAction, AccessLog, DataKind

from ..factories import (
    AttendanceFactory,
    ExperimentCommentFactory,
    ExperimentFactory,
    MembershipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = ("user", "role", "unit", "person", "kind", "object_id", "action")


def _logged():
    return sorted(AccessLog.objects.values_list(*FIELDS), key=str)


class _FormFields(HTMLParser):
    """The values a browser would post for the admin's change form, as shown."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "file", "checkbox"}:
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and "checked" in a:
            self.data[name] = a.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += (
                data.lstrip("\n") if not self.data[self._textarea] else data
            )


def _form_data(response) -> dict:
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


def test_a_sessions_admin_page_logs_the_attendance_it_shows(client_for, admin_user, unit):
    session = SessionFactory(unit=unit)
    people = [MembershipFactory(unit=unit).user for _i in range(2)]
    rows = [AttendanceFactory(session=session, user=p) for p in people]

    response = client_for(admin_user).get(reverse("admin:units_session_change", args=[session.pk]))

    assert response.status_code == 200
    assert _logged() == sorted(
        [
            (admin_user.pk, ADMINISTRATOR, unit.pk, a.user_id, DataKind.ATTENDANCE, a.pk, "viewed")
            for a in rows
        ],
        key=str,
    )


def test_changing_attendance_on_a_sessions_admin_page_logs_the_change(
    client_for, admin_user, unit, member
):
    session = SessionFactory(unit=unit)
    attendance = AttendanceFactory(session=session, user=member, status="present")
    url = reverse("admin:units_session_change", args=[session.pk])
    client = client_for(admin_user)
    data = _form_data(client.get(url))
    prefix = next(k for k in data if k.endswith("-0-status") and k.startswith("attendance"))
    data[prefix] = "absent"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    attendance.refresh_from_db()
    assert attendance.status == "absent"
    assert [row[-1] for row in _logged()] == sorted([AccessAction.VIEWED, AccessAction.CHANGED])


def test_an_experiments_admin_page_logs_the_experiment_and_its_responses(
    client_for, admin_user, unit, member
):
    experiment = ExperimentFactory(unit=unit, author=member)
    colleague = MembershipFactory(unit=unit).user
    response_row = ExperimentCommentFactory(experiment=experiment, author=colleague)

    page = client_for(admin_user).get(
        reverse("admin:phases_experiment_change", args=[experiment.pk])
    )

    assert page.status_code == 200
    assert _logged() == sorted(
        [
            (
                admin_user.pk,
                ADMINISTRATOR,
                unit.pk,
                member.pk,
                "experiment",
                experiment.pk,
                "viewed",
            ),
            (
                admin_user.pk,
                ADMINISTRATOR,
                unit.pk,
                colleague.pk,
                "experiment",
                response_row.pk,
                "viewed",
            ),
        ],
        key=str,
    )


def test_the_history_pages_of_an_experiment_are_logged(client_for, admin_user, unit, member):
    experiment = ExperimentFactory(unit=unit, author=member)
    version = experiment.history.get()
    client = client_for(admin_user)

    listing = client.get(reverse("admin:phases_experiment_history", args=[experiment.pk]))
    one = client.get(
        reverse(
            "admin:phases_experiment_simple_history",
            args=[experiment.pk, version.history_id],
        )
    )

    assert (listing.status_code, one.status_code) == (200, 200)
    viewed = (
        admin_user.pk,
        ADMINISTRATOR,
        unit.pk,
        member.pk,
        "experiment",
        experiment.pk,
        "viewed",
    )
    assert _logged() == [viewed, viewed]
