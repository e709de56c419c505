"""One submission of the request form, one report: a double click or a resent POST
finds the report the first one made (the form's one-time token), never a 500."""

import re
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from reports.models import Kind, Report

from ..factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    # What is stored is under test here, not the rendering.
    monkeypatch.setattr("reports.services.report_send", lambda **kw: None)


def _form_data(client, list_url):
    """The request form as the page renders it, hidden one-time token included."""
    page = client.get(list_url).content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', page)
    assert token, "the request form carries a one-time token"
    return {"kind": "baseline", "language": "en", "token": token.group(1)}


def test_posting_the_same_form_twice_makes_one_report(
    client_for, unit, researcher, django_capture_on_commit_callbacks
):
    client = client_for(researcher)
    data = _form_data(client, reverse("reports:list", args=[unit.slug]))
    url = reverse("reports:request", args=[unit.slug])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Report.objects.filter(unit=unit).count() == 1
    # The page that loads next offers a new token: the next submission is a new report.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _form_data(client, reverse("reports:list", args=[unit.slug])))
    assert list(Report.objects.filter(unit=unit).order_by("version").values_list("version")) == [
        (1,),
        (2,),
    ]


def test_a_programme_comparison_is_requested_once_per_form(client_for, unit, researcher):
    programme = ProgrammeFactory()
    unit.programme = programme
    unit.save()
    client = client_for(researcher)
    data = {**_form_data(client, reverse("programme_reports:list", args=[programme.slug]))}
    data["kind"] = Kind.COMPARISON
    url = reverse("programme_reports:request", args=[programme.slug])

    answers = [client.post(url, data).status_code for _ in range(2)]

    assert answers == [302, 302]
    assert Report.objects.filter(programme=programme).count() == 1


def test_a_form_without_its_token_is_refused(client_for, unit, researcher):
    response = client_for(researcher).post(
        reverse("reports:request", args=[unit.slug]), {"kind": "baseline", "language": "en"}
    )

    assert response.status_code == 400
    assert "This form was incomplete: send it again." in response.content.decode()
    assert re.search(r'name="token" value="[0-9a-f-]{36}"', response.content.decode())
    assert not Report.objects.exists()


@pytest.mark.services  # PostgreSQL stage: row locks between concurrent transactions
@pytest.mark.django_db(transaction=True)
def test_three_simultaneous_posts_make_one_report(unit, researcher):
    client = Client()
    client.force_login(researcher)
    data = _form_data(client, reverse("reports:list", args=[unit.slug]))
    url = reverse("reports:request", args=[unit.slug])
    start = threading.Barrier(3)
    answers = []

    def post():
        c = Client()
        c.force_login(researcher)
        start.wait()
        try:
            answers.append(c.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert answers == [302, 302, 302]
    assert Report.objects.filter(unit=unit).count() == 1
