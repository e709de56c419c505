"""Idle sessions end SESSION_COOKIE_AGE after the last visit, renewed at most once a minute.

Django's ``SESSION_SAVE_EVERY_REQUEST`` moves a session's expiry forward by writing
the session row on every request: an UPDATE and a commit on every page. Here the row
is written only when its stored expiry is SESSION_RENEW_AFTER_SECONDS or more behind
a fresh one (or when the session changed). The idle timeout keeps its length and
gains that granularity: a session ends between SESSION_COOKIE_AGE minus
SESSION_RENEW_AFTER_SECONDS and SESSION_COOKIE_AGE after the last visit, never later.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """The database store (SESSION_ENGINE = "accounts.sessions"), remembering the
    loaded row's expiry so that the middleware can tell whether it is due a renewal."""

    stored_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row

    def renewal_due(self) -> bool:
        """Whether the stored expiry is a renewal interval or more behind a fresh one."""
        if not self.session_key:
            return False
        self._get_session()  # loads the row once, if nothing has yet
        if self.stored_expiry is None:
            return True
        fresh = timezone.now() + timedelta(seconds=self.get_expiry_age())
        return fresh - self.stored_expiry >= timedelta(seconds=settings.SESSION_RENEW_AFTER_SECONDS)


class SessionRenewalMiddleware(SessionMiddleware):
    """Django's session middleware, saving an unchanged session only when it is due a
    renewal (SESSION_SAVE_EVERY_REQUEST stays off)."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if isinstance(session, SessionStore) and not session.modified and session.renewal_due():
            session.modified = True
        return super().process_response(request, response)
