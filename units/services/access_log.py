"""The one deletion the access log allows: entries older than its retention."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..access_log_guard import purge_window
from ..models import AccessLog


def access_log_cutoff(now: datetime | None = None) -> datetime:
    """Entries from before this moment are past the retention (ACCESS_LOG_RETENTION_YEARS).

    Whole seconds: SQLite's clock, which the database's guard compares against, counts
    milliseconds, and a cutoff a fraction later than it would be refused."""
    now = (now or timezone.now()).replace(microsecond=0)
    years = settings.ACCESS_LOG_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February, and the year it lands in has none
        return now.replace(year=now.year - years, day=28)


@transaction.atomic
def access_log_purge(*, now: datetime | None = None) -> int:
    """Delete the entries older than the retention; how many went. Run daily by beat.

    The database lets this transaction delete only rows older than the cutoff it
    declares, and never rows of the last year (units/access_log_guard.py).
    """
    cutoff = access_log_cutoff(now)
    with purge_window(cutoff):
        deleted, _ = AccessLog.objects.older_than(cutoff).delete()
    return deleted
