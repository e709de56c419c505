"""Saturation: every signed-in page's throughput against the floor, on one stack.

    python -m loadtest.saturation [--duration 20] [--connections 8] [--rounds 2]

gunicorn (the docker-compose command line, 2 workers, DEBUG=0) on the load
database (LOAD_DATABASE_URL, as ``make load``) with the cache on Redis database 7;
wrk saturates one page at a time with a signed-in researcher's session. The floor
is the login page: the cheapest page that still passes the whole middleware stack.
Runs are interleaved (floor, page, floor, page, ...) so that a change in the
machine's load shows in both. The ratio page / floor is what issue 14 aims at
(>= 0.5 for every signed-in page); it is printed with the floor of its own round.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from loadtest.__main__ import (
    DEFAULT_DB,
    OUT,
    ROOT,
    ensure_database,
    gunicorn_command,
    prepare,
    server_env,
    wait_healthy,
)

UNIT = "load-unit-00"  # person 1 is its researcher: every page below is theirs to see
FLOOR = ("login page (floor)", "/accounts/login/")
PAGES = [
    ("dashboard", "/"),
    ("unit", f"/units/{UNIT}/"),
    ("sessions", f"/units/{UNIT}/sessions/"),
    ("statistics", f"/units/{UNIT}/research/statistics/"),
    ("experiments", f"/units/{UNIT}/phases/experiments/"),
    ("phases", f"/units/{UNIT}/phases/"),
    ("reports", f"/units/{UNIT}/reports/"),
    ("profile", "/accounts/profile/"),
]
AIM = 0.5


def answers_200(url: str, cookie: str) -> bool:
    """wrk counts a redirect as success: a page must answer 200 itself, not send to login."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - loopback
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=30).status == 200
    except urllib.error.HTTPError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(url: str, cookie: str, duration: int, connections: int) -> dict:
    """Requests per second and non-2xx answers of one wrk run (2 threads)."""
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    p50 = re.search(r"50%\s+([\d.]+\w+)", output)
    return {
        "req_s": rate,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        "p50": p50.group(1) if p50 else "",
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="times every page is measured")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:  # noqa: S607
        raise SystemExit("wrk is needed: apt-get install wrk")

    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB)
    ensure_database(database_url)
    env = {
        **server_env(database_url),
        "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/7"),
        "DB_CONN_MAX_AGE": "60",
    }
    OUT.mkdir(parents=True, exist_ok=True)
    researcher = prepare(env, 2, OUT / "saturation-sessions.json")[1]
    cookie = f"{researcher['cookie']}={researcher['key']}"
    base = f"http://127.0.0.1:{args.port}"
    log = open(OUT / "saturation-gunicorn.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603
        gunicorn_command(args.port, args.workers),
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rows = []
    try:
        wait_healthy(base + "/healthz")
        refused = [name for name, path in PAGES if not answers_200(base + path, cookie)]
        if refused:
            raise SystemExit(f"Not 200 for the signed-in researcher: {', '.join(refused)}")
        for _name, path in [FLOOR, *PAGES]:  # warm every worker's caches first
            wrk(base + path, cookie, 2, args.connections)
        for round_number in range(1, args.rounds + 1):
            for name, path in PAGES:
                floor = wrk(base + FLOOR[1], "", args.duration, args.connections)
                page = wrk(base + path, cookie, args.duration, args.connections)
                ratio = page["req_s"] / floor["req_s"] if floor["req_s"] else 0.0
                rows.append(
                    {"round": round_number, "page": name, "path": path, **page}
                    | {"floor_req_s": floor["req_s"], "ratio": round(ratio, 2)}
                )
                print(
                    f"{name:12} {page['req_s']:7.1f} req/s  floor {floor['req_s']:7.1f}  "
                    f"ratio {ratio:4.2f}  p50 {page['p50']:>8}  non-2xx {page['non_2xx']}",
                    flush=True,
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    record = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.platform()}",
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "duration_s": args.duration,
        "connections": args.connections,
        "gunicorn_workers": args.workers,
        "rows": rows,
    }
    (OUT / "saturation.json").write_text(json.dumps(record, indent=2))
    below = sorted({row["page"] for row in rows if row["ratio"] < AIM})
    failed = [row["page"] for row in rows if row["non_2xx"] or row["socket_errors"]]
    print(f"\nMachine: {record['machine']}; load (1 min): {record['load_average_1m_at_end']}")
    print(f"Below the aim of {AIM}x the floor: {', '.join(below) or 'none'}")
    if failed:
        print(f"Pages that answered errors: {', '.join(failed)}")
    print(f"Details: {OUT / 'saturation.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
