"""The database's guard on the access log: no UPDATE, no DELETE, except the purge.

The log (``units.AccessLog``, NEN 7513) must be trustworthy after the fact, so
the rule is kept by the database itself, not by the application: triggers made by
migration ``units/0010_access_log`` refuse every UPDATE and every DELETE of a row.

The one exception is the purge of entries older than the retention
(``ACCESS_LOG_RETENTION_YEARS``). A DELETE passes only when, in the same
database transaction, a *purge window* is open and the row is older than the
window's cutoff; and the trigger itself refuses a cutoff less than a year in the
past, so even a mistaken or misused window cannot touch the last year. The
window is:

- on PostgreSQL, a transaction-local setting, ``SET LOCAL``-style
  (``set_config('bpu.access_log_purge_before', <cutoff>, true)``), which ends
  with the transaction by itself;
- on SQLite (development and the default test run), a value on the Django
  connection read by an SQL function registered on that connection. A
  connection without the function (the sqlite3 shell) cannot delete at all.

``purge_window`` opens it, only inside ``transaction.atomic``; only
``units.services.access_log_purge`` uses it. What this guards against is any
code path of the application (the ORM, the admin, a cascade, a stray query)
changing the log; someone holding the database owner's password can drop a
trigger, which is why production should run the application under a role that
does not own its tables (docs/privacy.md).

A later migration that alters ``units_accesslog`` on SQLite rebuilds the table,
which drops its triggers: such a migration must run ``guard_statements`` again
(tests/units/test_access_log.py checks that the triggers exist).
"""

from contextlib import contextmanager
from datetime import datetime

from django.db import connection

TABLE = "units_accesslog"
POSTGRES_SETTING = "bpu.access_log_purge_before"
SQLITE_FUNCTION = "bpu_access_log_purge_before"

POSTGRES_GUARD = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purge_before timestamptz :=
        NULLIF(current_setting('{POSTGRES_SETTING}', true), '')::timestamptz;
BEGIN
    IF TG_OP = 'DELETE'
        AND purge_before IS NOT NULL
        -- The clock, not now() (the transaction's start): a purge with a retention of
        -- exactly one year computes its cutoff after its transaction began.
        AND purge_before <= clock_timestamp() - interval '1 year'
        AND OLD.at < purge_before
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: % of entry % refused.', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
"""
POSTGRES_UNGUARD = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP FUNCTION IF EXISTS {TABLE}_append_only();
"""

SQLITE_NO_UPDATE = f"""
CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only: UPDATE refused.');
END
"""
SQLITE_NO_DELETE = f"""
CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
WHEN NOT (
    {SQLITE_FUNCTION}() IS NOT NULL
    AND julianday({SQLITE_FUNCTION}()) <= julianday('now', '-1 year')
    AND julianday(OLD.at) < julianday({SQLITE_FUNCTION}())
)
BEGIN
    SELECT RAISE(ABORT, 'The access log is append-only: DELETE refused.');
END
"""
SQLITE_GUARD = [SQLITE_NO_UPDATE, SQLITE_NO_DELETE]
SQLITE_UNGUARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]


def guard_statements(vendor: str) -> list[str]:
    return {"postgresql": [POSTGRES_GUARD], "sqlite": SQLITE_GUARD}[vendor]


def unguard_statements(vendor: str) -> list[str]:
    return {"postgresql": [POSTGRES_UNGUARD], "sqlite": SQLITE_UNGUARD}[vendor]


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created``: give each SQLite connection the window's SQL function."""
    if connection.vendor != "sqlite":
        return
    connection.access_log_purge_before = None
    connection.connection.create_function(
        SQLITE_FUNCTION, 0, lambda: connection.access_log_purge_before
    )


@contextmanager
def purge_window(before: datetime):
    """Let this transaction delete access log entries older than ``before``."""
    if not connection.in_atomic_block:
        raise RuntimeError("An access log purge window needs transaction.atomic.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [POSTGRES_SETTING, before.isoformat()]
            )
        yield
        # Closed at once, not only at the end of the transaction. After an error
        # the rollback (to the savepoint or of the transaction) undoes the setting.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [POSTGRES_SETTING])
    else:
        connection.ensure_connection()
        connection.access_log_purge_before = connection.ops.adapt_datetimefield_value(before)
        try:
            yield
        finally:
            connection.access_log_purge_before = None
