"""Request bodies larger than an upload are refused before anything reads them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""


def _post(client, length, body=b"x" * 1024, **extra):
    stream = CountingStream(body)
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        data=b"-",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": stream},
        **extra,
    )
    return response, stream.tell()


def test_a_300_mb_anonymous_post_is_refused_unread(db, settings):
    client = Client(raise_request_exception=False)
    response, read = _post(client, 300 * 1024 * 1024)
    assert (response.status_code, read) == (413, 0)
    html = response.content.decode()
    assert "Too much sent at once" in html
    assert "The largest file you can upload is 20.0\xa0MB." in html


def test_the_limit_is_the_upload_limit_plus_a_margin_for_the_form(settings):
    assert settings.REQUEST_MAX_BYTES == settings.UPLOAD_MAX_BYTES + 1024 * 1024


@pytest.mark.parametrize(("size", "status"), [(2000, 413), (1000, 200)], ids=["over", "within"])
def test_an_upload_over_the_limit_is_refused_one_within_it_goes_through(
    client, db, settings, size, status
):
    settings.REQUEST_MAX_BYTES = 1500
    response = client.post(
        reverse("accounts:login"),
        {
            "username": "anna@example.org",
            "password": "x",
            "f": SimpleUploadedFile("a.txt", b"x" * size),
        },
    )
    assert response.status_code == status


def test_the_refusal_speaks_dutch_to_dutch_visitors(db):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="nl")
    response, _read = _post(client, 300 * 1024 * 1024)
    assert response.status_code == 413
    assert "Te veel tegelijk verstuurd" in response.content.decode()


def test_a_body_without_a_length_is_refused(db):
    client = Client(raise_request_exception=False)
    stream = CountingStream(b"x" * 1024)
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        content_type="multipart/form-data; boundary=b",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
    )
    assert "CONTENT_LENGTH" not in response.wsgi_request.META
    assert (response.status_code, stream.tell()) == (411, 0)
    assert "Send the form again from the page" in response.content.decode()


def test_logging_in_still_works(client, db, password):
    person = UserFactory()
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": password}
    )
    assert response.status_code == 302
