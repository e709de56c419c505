"""Django on a throwaway PostgreSQL database per benchmark (``bpu_bench_<name>``)."""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

BENCH_DB_PREFIX = "bpu_bench_"
_done = False


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` unless it exists."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(name: str):
    """Point Django at ``bpu_bench_<name>`` on DATABASE_URL's server, create and migrate it."""
    global _done
    if _done:
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "The benchmarks need PostgreSQL: set DATABASE_URL, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks"
        )
    bench_url = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB_PREFIX}{name}"))
    ensure_database(bench_url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpu.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    # The reports' "ready" e-mails are kept in memory, not printed among the figures.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _done = True
