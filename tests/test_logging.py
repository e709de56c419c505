"""What the log says about refused and failed requests."""

import io
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from bpu import urls as bpu_urls
from bpu.log_filters import ClientErrorsWithoutTraceback


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("broken on purpose")


# The app's own URLs and error pages, and two views that fail.
urlpatterns = [path("forbidden/", _forbidden), path("broken/", _broken), *bpu_urls.urlpatterns]
handler403 = bpu_urls.handler403
handler500 = bpu_urls.handler500


@pytest.fixture
def log(settings):
    """What the configured console handler writes while the test runs."""
    settings.ROOT_URLCONF = __name__
    (handler,) = [
        h
        for h in logging.getLogger("django").handlers
        if any(isinstance(f, ClientErrorsWithoutTraceback) for f in h.filters)
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_a_403_is_one_line_without_a_traceback(db, log):
    response = Client().get("/forbidden/")
    assert response.status_code == 403
    assert log.getvalue() == "Forbidden (Permission denied): /forbidden/\n"


def test_a_500_keeps_its_traceback(db, log):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    lines = log.getvalue().splitlines()
    assert lines[0] == "Internal Server Error: /broken/"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: broken on purpose"
