"""Answer a clean 503 page, not a 500 traceback, while the database is unreachable."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """The 503 page. Rendered without the request context processors: they would
    reach for the session and the user, i.e. the database that is down."""
    logger.warning("Database unavailable while serving %s %s", request.method, request.path)
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into the 503 page.

    Errors raised earlier or later (session, user loading in middleware) reach
    ``bpu.views.server_error``, which answers the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request)
        return None
