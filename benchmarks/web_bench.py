"""The web ratio: CPU per request of every signed-in page against the login page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks web

Runs ``loadtest.page_cost`` (see there: in process, Django's test client, DEBUG off,
the cache in the process's memory, as a researcher of ``load-unit-00``) on this
benchmark's own database, prepared as ``make load`` prepares its own (migrated,
seeded with ``loadtest.seed``, static files collected). The last column, the login
page's CPU over the page's, is what the page's throughput would be against the
floor's if CPU were the only limit; issue 14 aims at 0.5 or more for every page.
``make saturation`` measures the real throughput ratio with gunicorn and wrk.
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".ci-artifacts" / "bench-web"
BATCHES, BATCH = 4, 15  # per page: the fastest of 4 batches of 15 requests counts


def _counted() -> str:
    """What the database holds, counted (two runs must show the same)."""
    from phases.models import Experiment
    from research.models import Observation
    from units.models import Session, Unit

    return (
        f"{Unit.objects.count()} units, {Session.objects.count():,} sessions, "
        f"{Experiment.objects.count():,} experiments, {Observation.objects.count():,} values"
    )


def run():
    from loadtest.__main__ import prepare, server_env
    from loadtest.saturation import FLOOR, PAGES

    database_url = os.environ["DATABASE_URL"]  # bpu_bench_web, set by benchmarks.setup
    OUT.mkdir(parents=True, exist_ok=True)
    prepare(server_env(database_url), 2, OUT / "sessions.json")
    print(
        f"workload: the load test's data on top of the demo's ({_counted()}); "
        f"{len(PAGES)} signed-in pages and the floor ({FLOOR[1]}), each the fastest of "
        f"{BATCHES} batches of {BATCH} requests",
        flush=True,
    )
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    # A process of its own: page_cost starts Django with the load test's settings
    # (DEBUG off), which this process, started for the migration, no longer can.
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "loadtest.page_cost", f"--batches={BATCHES}", f"--batch={BATCH}"],
        env={**os.environ, "LOAD_DATABASE_URL": database_url},
        cwd=ROOT,
        check=True,
    )
