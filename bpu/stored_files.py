"""A file stored for a row whose transaction rolls back is deleted again.

Storage is not transactional: ``FieldFile.save`` writes the file at once, and if the
transaction that saves its row rolls back afterwards (a later step of the request fails;
ATOMIC_REQUESTS wraps every view), the file stays in MEDIA_ROOT with no row pointing to
it: an orphan nobody can see, delete or erase. Django has ``on_commit`` but no
``on_rollback``; the callbacks of a rolled-back transaction or savepoint are dropped.
So each stored file registers an ``on_commit`` that marks it kept, and the scope around
the outermost transaction (``UncommittedFilesMiddleware`` for every request) deletes the
files that were never marked once that transaction is over.

Outside a scope (tasks, management commands) the service that stores the file deletes
it when its own save fails (``units.files.store_upload``), which covers a service that
is its own outermost transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import transaction


@dataclass
class _Stored:
    storage: object
    name: str
    committed: bool = False


_pending: ContextVar[list[_Stored] | None] = ContextVar("stored_files_pending", default=None)


def delete_unless_committed(file) -> None:
    """Call right after ``file`` (a FieldFile) was stored inside a transaction."""
    stored = _Stored(storage=file.storage, name=file.name)
    pending = _pending.get()
    if pending is not None:
        pending.append(stored)

    def kept() -> None:
        stored.committed = True

    # Outside a transaction this runs at once: the row is saved for good already.
    transaction.on_commit(kept)


@contextmanager
def uncommitted_files_deleted() -> Iterator[None]:
    """Around an outermost transaction: the files stored within it whose transaction
    (or savepoint) rolled back are deleted when it is over. Nested scopes join the
    outer one."""
    if _pending.get() is not None:
        yield
        return
    pending: list[_Stored] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        # Still inside a transaction (a test's, a caller's): whether it commits is not
        # known yet, so nothing is deleted.
        if not transaction.get_connection().in_atomic_block:
            for stored in pending:
                if not stored.committed:
                    stored.storage.delete(stored.name)


class UncommittedFilesMiddleware:
    """Every request is a scope: the view's transaction (ATOMIC_REQUESTS) is inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with uncommitted_files_deleted():
            return self.get_response(request)
