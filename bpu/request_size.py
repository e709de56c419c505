"""Refuse request bodies larger than any form needs, before anything reads them.

Django reads a multipart body as it parses it and spools file parts to disk, so
without this a 300 MB anonymous POST would be read in full. The reverse proxy
refuses such bodies first (nginx ``client_max_body_size``, see README); this is
the same limit for when it is missing or set too high.
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)


def _refusal(status: int) -> HttpResponse:
    # Rendered without the request context processors: this answers before the
    # session and the user are loaded, and must not load them for a refused body.
    html = loader.render_to_string(
        "413.html",
        {"length_required": status == 411, "upload_max": filesizeformat(settings.UPLOAD_MAX_BYTES)},
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


class RequestSizeLimitMiddleware:
    """413 for a Content-Length above REQUEST_MAX_BYTES; 411 for a streamed body
    without one (Django would not read it, the form would arrive empty)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH")
        if not length and request.META.get("HTTP_TRANSFER_ENCODING"):
            logger.warning("Refused a body without a length: %s %s", request.method, request.path)
            return _refusal(411)
        try:
            length = int(length or 0)
        except ValueError:
            length = 0  # Django reads no body with an unusable length either.
        if length > settings.REQUEST_MAX_BYTES:
            logger.warning(
                "Refused a body of %d bytes (limit %d): %s %s",
                length,
                settings.REQUEST_MAX_BYTES,
                request.method,
                request.path,
            )
            return _refusal(413)
        return self.get_response(request)
