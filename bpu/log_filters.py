"""Logging filters referenced from LOGGING in settings."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused request (4xx: no permission, bad request) is one line in the log.

    Django logs a PermissionDenied with its traceback, which says nothing about a
    refusal that worked as intended and buries real errors; 5xx keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
