"""What one request of each signed-in page costs this process, next to the login page.

    python -m loadtest.page_cost [--batches 4] [--batch 15] [--profile dashboard]

Runs in process (Django's test client, ``DEBUG=0``) against the load database
(LOAD_DATABASE_URL, as ``make saturation``; seeded there), signed in as the same
researcher as ``make saturation``, with the cache in this process's memory unless
LOAD_CACHE_URL names one. Per page: three warm-up requests, then ``--batches``
batches of ``--batch`` requests; printed are the CPU time per request of the
fastest batch (this process only: PostgreSQL's own time is not in it), the Python
function calls of one request (cProfile: the same count however busy the machine
is), the SQL queries of one request, and the login page's CPU over the page's:
what the page's throughput would be against the floor's if CPU were the only
limit. ``make saturation`` measures the real throughput ratio with wrk.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from loadtest.__main__ import DEFAULT_DB, server_env
from loadtest.saturation import FLOOR, PAGES


def setup(database_url: str) -> None:
    env = server_env(database_url)
    env["CACHE_URL"] = os.environ.get("LOAD_CACHE_URL", "")
    env["ALLOWED_HOSTS"] = "testserver"  # Django's test client
    os.environ.update(env)
    import django

    django.setup()


def cpu_per_request(client, path: str, batches: int, batch: int) -> float:
    for _ in range(3):
        client.get(path)
    fastest = float("inf")
    for _ in range(batches):
        started = time.process_time()
        for _ in range(batch):
            response = client.get(path)
        fastest = min(fastest, (time.process_time() - started) / batch)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}, not 200")
    return fastest * 1000


def calls_and_queries(client, path: str, show: int = 0) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        client.get(path)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    if show:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(show)
        print(out.getvalue())
    return stats.total_calls, len(queries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--batch", type=int, default=15)
    parser.add_argument("--pages", default="", help="comma-separated names (default: all)")
    parser.add_argument("--profile", default="", help="print the cProfile of this page")
    args = parser.parse_args(argv)
    setup(os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB))

    from django.conf import settings
    from django.test import Client

    from loadtest.seed import signed_in_sessions

    researcher = signed_in_sessions(2)[1]
    signed_in = Client()
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = researcher["key"]
    anonymous = Client()
    wanted = set(filter(None, args.pages.split(",")))
    pages = [(name, path) for name, path in PAGES if not wanted or name in wanted]

    floor = cpu_per_request(anonymous, FLOOR[1], args.batches, args.batch)
    floor_calls, floor_queries = calls_and_queries(anonymous, FLOOR[1])
    print(f"{'page':20} {'CPU ms':>7} {'calls':>8} {'queries':>7} {'floor/page':>10}")
    print(f"{FLOOR[0]:20} {floor:7.2f} {floor_calls:8d} {floor_queries:7d} {1:10.2f}")
    for name, path in pages:
        cpu = cpu_per_request(signed_in, path, args.batches, args.batch)
        calls, queries = calls_and_queries(signed_in, path, 40 if name == args.profile else 0)
        print(f"{name:20} {cpu:7.2f} {calls:8d} {queries:7d} {floor / cpu:10.2f}", flush=True)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
