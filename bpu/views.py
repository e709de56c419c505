import logging
import secrets
import sys

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .middleware import DATABASE_ERRORS, database_unavailable

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """Liveness, for the load balancer and Docker: the process and its database answer.

    Names no components (anyone can ask) and ignores the broker: pages work
    while it is down, and restarting web would not bring it back.
    """
    if _database_ok():
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "down"}, status=503)


def _may_see_health_details(request) -> bool:
    """With the HEALTHZ_TOKEN as a bearer token (monitoring, CI), or as an administrator."""
    token = settings.HEALTHZ_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer "):
        return secrets.compare_digest(sent.removeprefix("Bearer ").encode(), token.encode())
    return request.user.is_authenticated and request.user.is_staff


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz_details(request):
    """Database and (when configured) broker reachable: 200, otherwise 503."""
    if not _may_see_health_details(request):
        return JsonResponse({"status": "forbidden"}, status=403)
    checks = {"database": "ok" if _database_ok() else "down"}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_ok() else "down"
    else:
        checks["broker"] = "in-process"
    healthy = "down" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


def _caused_by_database_outage(exception) -> bool:
    while exception is not None:
        if isinstance(exception, DATABASE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def bad_request(request, exception):
    # Saving the session fails when the database goes away mid-request; Django
    # reports that as "session interrupted" (400). It is an outage: answer 503.
    if _caused_by_database_outage(exception):
        return database_unavailable(request)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def server_error(request):
    # A database outage met outside a view (session, user in middleware): 503, not 500.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return render(request, "500.html", status=500)


def _statement_context() -> dict:
    """What the deploying organisation fills in (settings ORGANISATION_NAME, ...); a
    placeholder in the reader's language until it does."""
    return {
        "organisation": settings.ORGANISATION_NAME or gettext("[name of the organisation]"),
        "contact": settings.PRIVACY_CONTACT or gettext("[contact e-mail address]"),
        "retention": settings.PRIVACY_RETENTION or gettext("[a period, e.g. two years]"),
    }


@require_GET
def privacy(request):
    return render(request, "pages/privacy.html", _statement_context())


@require_GET
def accessibility(request):
    return render(request, "pages/accessibility.html", _statement_context())
