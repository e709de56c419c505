"""Fault drills: PostgreSQL restarted and Redis stopped while people use the app.

    python -m loadtest.drills [postgres] [redis]      (both by default)

Starts gunicorn (the docker-compose command line) and a Celery worker (the compose
flags) on the load database, keeps several simulated people requesting pages, and:

- postgres: stops PostgreSQL, keeps it down for --down seconds, starts it again.
  While it is down every page must answer the 503 page (never a 500 or a
  traceback); after it is back every page must answer 200 again.
- redis: shuts Redis down. Pages must keep answering 200 (sessions live in the
  database); a report requested meanwhile is stored as queued. Redis is started
  again, the periodic resend (what beat runs every 5 minutes) is triggered, and
  the report must be rendered by the worker.

The drills never touch the machine's shared PostgreSQL and Redis (other test runs
use them): they start a private PostgreSQL cluster (initdb into
.ci-artifacts/load/private-services/pg, kept between runs, port DRILL_PG_PORT, default 5439) and a
private Redis (port DRILL_REDIS_PORT, default 6389), stop and start only those,
and shut both down at the end.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from loadtest.__main__ import (
    BIN,
    OUT,
    ROOT,
    WORKER_ARGS,
    ensure_database,
    gunicorn_command,
    prepare,
    server_env,
    wait_healthy,
)

PG_BIN = Path(
    "/usr/lib/postgresql",
    (sorted(os.listdir("/usr/lib/postgresql")) or ["15"])[-1]
    if Path("/usr/lib/postgresql").exists()
    else "15",
    "bin",
)
PRIVATE_DIR = Path(os.environ.get("DRILL_DIR", OUT / "private-services"))
PG_DATA = PRIVATE_DIR / "pg"
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5439"))
REDIS_PORT = int(os.environ.get("DRILL_REDIS_PORT", "6389"))
# initdb and the server refuse to run as root: run them as the postgres user then.
AS_POSTGRES = "runuser -u postgres -- " if os.geteuid() == 0 else ""
PG_START = (
    f"{AS_POSTGRES}{PG_BIN}/pg_ctl -D {PG_DATA} -l {PRIVATE_DIR}/pg.log -w start "
    f"-o '-p {PG_PORT} -k {PG_DATA} -c listen_addresses=127.0.0.1 -c fsync=off'"
)
PG_STOP = f"{AS_POSTGRES}{PG_BIN}/pg_ctl -D {PG_DATA} -w stop -m fast"
PG_READY = f"pg_isready -h 127.0.0.1 -p {PG_PORT} -t 2"
REDIS_START = (
    f'redis-server --daemonize yes --bind 127.0.0.1 --port {REDIS_PORT} --save "" '
    f"--appendonly no --dir {PRIVATE_DIR} --logfile {PRIVATE_DIR}/redis.log "
    f"--pidfile {PRIVATE_DIR}/redis.pid"
)
REDIS_STOP = f"redis-cli -p {REDIS_PORT} shutdown nosave"
REDIS_PING = f"redis-cli -p {REDIS_PORT} ping"
BROKER = f"redis://127.0.0.1:{REDIS_PORT}/6"
DRILL_DB = f"postgres://postgres@127.0.0.1:{PG_PORT}/bpu_drill"
UNIT = "load-unit-00"  # person 0 facilitates it, person 1 is its researcher


def sh(command: str, check=True, env=None) -> subprocess.CompletedProcess:
    print(f"[{time.strftime('%H:%M:%S')}] $ {command}", flush=True)
    return subprocess.run(  # noqa: S602 - fixed commands of this script / its operator
        command, shell=True, check=check, capture_output=True, text=True, timeout=60, env=env
    )


def alive(command: str) -> bool:
    result = sh(command, check=False)
    return result.returncode == 0 and ("PONG" in result.stdout or "ping" not in command)


def start_private_services() -> None:
    """A PostgreSQL cluster and a Redis of the drills' own, on ports nobody else uses."""
    for port in (PG_PORT, REDIS_PORT):
        if port in (5432, 6379):
            raise SystemExit(f"Port {port} is a shared service's: the drills use their own.")
    PRIVATE_DIR.mkdir(parents=True, exist_ok=True)
    if not (PG_DATA / "PG_VERSION").exists():
        PG_DATA.mkdir(exist_ok=True)
        if AS_POSTGRES:
            sh(f"chown postgres {PRIVATE_DIR} {PG_DATA}")
        sh(f"{AS_POSTGRES}{PG_BIN}/initdb -D {PG_DATA} -U postgres --auth=trust -E UTF8 --no-sync")
    if not alive(PG_READY):
        sh(PG_START)
    if not alive(REDIS_PING):
        sh(REDIS_START)
    for _ in range(30):
        if alive(PG_READY) and alive(REDIS_PING):
            return
        time.sleep(1)
    raise SystemExit(f"The private PostgreSQL or Redis did not start: see {PRIVATE_DIR}/*.log")


def stop_private_services() -> None:
    sh(PG_STOP, check=False)
    sh(REDIS_STOP, check=False)


class Browser:
    """A signed-in person over plain HTTP (cookies by hand: production cookies are Secure)."""

    def __init__(self, base: str, session_cookie: str, session_key: str):
        self.base = base
        self.cookies = {session_cookie: session_key}

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, path: str, data: dict | None = None, timeout: float = 15):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path, data=body, headers={"Cookie": self._cookie_header()}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(req, timeout=timeout)
            status, text, headers = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            status, text, headers = error.code, error.read().decode(errors="replace"), error.headers
        except OSError as error:
            return 0, f"connection error: {error}", {}
        for header in headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, text, headers

    def csrf_post(self, page: str, path: str, data: dict):
        status, text, _ = self.request(page)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if not match:
            return status, text, {}
        return self.request(path, {**data, "csrfmiddlewaretoken": match.group(1)})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Probe:
    """Several threads requesting pages until stopped; every answer is recorded."""

    PAGES = [
        "/",
        f"/units/{UNIT}/",
        f"/units/{UNIT}/sessions/",
        f"/units/{UNIT}/phases/experiments/",
        f"/units/{UNIT}/reports/",
        f"/units/{UNIT}/research/statistics/",
    ]

    def __init__(self, browser_factory, threads: int = 6):
        self.factory = browser_factory
        self.threads = threads
        self.records: list[tuple[float, int, str]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _loop(self, n):
        browser = self.factory()
        i = n
        while not self.stop.is_set():
            path = self.PAGES[i % len(self.PAGES)]
            i += 1
            status, text, _ = browser.request(path)
            if status == 503 and "Traceback" not in text and 'href="/static/' in text:
                kind = "503 page"
            elif "Traceback" in text or status >= 500:
                kind = f"BAD {status}"
            elif status == 200:
                kind = "200"
            else:
                kind = str(status)
            with self.lock:
                self.records.append((time.monotonic(), status, kind))
            time.sleep(0.1)

    def __enter__(self):
        self.workers = [
            threading.Thread(target=self._loop, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=20)

    def between(self, start, end) -> Counter:
        return Counter(kind for t, _s, kind in self.records if start <= t < end)


def drill_postgres(probe_factory, down: float) -> dict:
    with Probe(probe_factory) as probe:
        time.sleep(4)
        t_stop = time.monotonic()
        sh(PG_STOP)
        time.sleep(down)
        t_start = time.monotonic()
        sh(PG_START)
        while not alive(PG_READY):
            time.sleep(0.2)
        t_ready = time.monotonic()
        time.sleep(8)
        t_end = time.monotonic()
    first_ok = next((t for t, _s, kind in probe.records if t > t_ready and kind == "200"), None)
    last_bad = max(
        (t for t, _s, kind in probe.records if t > t_ready and kind != "200"), default=None
    )
    result = {
        "before": dict(probe.between(0, t_stop)),
        "down": dict(probe.between(t_stop, t_ready)),
        "after": dict(probe.between(t_ready, t_end + 60)),
        "down_seconds": round(t_ready - t_stop, 1),
        "first_200_after_ready_s": round(first_ok - t_ready, 2) if first_ok else None,
        "last_non_200_after_ready_s": round(last_bad - t_ready, 2) if last_bad else None,
    }
    all_kinds = Counter(kind for _t, _s, kind in probe.records)
    result["ok"] = (
        not any(k.startswith("BAD") for k in all_kinds)
        and set(result["down"]) <= {"200", "503 page"}
        and "503 page" in result["down"]
        and first_ok is not None
        and probe.between(t_start + (t_end - t_start) / 2, t_end + 60).keys() <= {"200"}
    )
    return result


def drill_redis(probe_factory, researcher, database_env) -> dict:
    with Probe(probe_factory) as probe:
        time.sleep(3)
        t_stop = time.monotonic()
        sh(REDIS_STOP, check=False)
        time.sleep(2)
        health, _text, _ = researcher.request("/healthz")
        status, text, headers = researcher.csrf_post(
            f"/units/{UNIT}/reports/",
            f"/units/{UNIT}/reports/request/",
            {"kind": "baseline", "language": "nl", "token": str(uuid.uuid4())},
        )
        requested = status
        time.sleep(3)
        t_restart = time.monotonic()
        sh(REDIS_START)
        while not alive(REDIS_PING):
            time.sleep(0.2)
        t_back = time.monotonic()
        time.sleep(2)
    report = latest_report(database_env)
    state_while_down = report["status"]
    # What beat's 1-minute "reports-resend-stale" entry does, triggered now.
    sh(f"{BIN / 'celery'} -A bpu call reports.resend_stale_reports", env=database_env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        report = latest_report(database_env)
        if report["status"] in ("done", "failed"):
            break
        time.sleep(2)
    t_done = time.monotonic()
    result = {
        "pages_while_redis_down": dict(probe.between(t_stop, t_back)),
        "pages_after": dict(probe.between(t_back, t_back + 60)),
        "healthz_while_down": health,
        "report_request_status": requested,
        "report_state_while_down": state_while_down,
        "report_final_state": report["status"],
        "report_done_after_redis_back_s": round(t_done - t_back, 1),
        "redis_down_seconds": round(t_back - t_stop, 1),
        "pdf_pages": report.get("page_count"),
    }
    result["ok"] = (
        set(result["pages_while_redis_down"]) <= {"200"}
        and requested == 302
        and state_while_down == "queued"
        and report["status"] == "done"
    )
    del t_restart
    return result


def latest_report(env) -> dict:
    code = (
        "import json, django; django.setup(); from reports.models import Report; "
        f"r = Report.objects.filter(unit__slug='{UNIT}').order_by('-pk').first(); "
        "print(json.dumps({'pk': r.pk, 'status': r.status, 'page_count': r.page_count, "
        "'sent_at': str(r.sent_at)}))"
    )
    out = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drills", nargs="*", default=["postgres", "redis"])
    parser.add_argument("--down", type=float, default=4, help="seconds PostgreSQL stays down")
    parser.add_argument("--port", type=int, default=8107)
    args = parser.parse_args(argv)

    start_private_services()
    database_url = DRILL_DB
    ensure_database(database_url)
    env = {
        **server_env(database_url),
        "CELERY_BROKER_URL": BROKER,
        # As in docker-compose: the cache on Redis too (it must degrade, not fail).
        "CACHE_URL": BROKER,
        # The resend picks up a request at once instead of after 10 minutes.
        "REPORTS_RESEND_AFTER_MINUTES": "0",
        "DB_CONN_MAX_AGE": "60",
    }
    out = OUT
    out.mkdir(parents=True, exist_ok=True)
    facilitator, researcher = prepare(env, 2, out / "drill-sessions.json")
    base = f"http://127.0.0.1:{args.port}"
    logs = {name: open(out / f"drill-{name}.log", "wb") for name in ("gunicorn", "worker")}  # noqa: SIM115
    processes = [
        subprocess.Popen(  # noqa: S603
            gunicorn_command(args.port, 2),
            env=env,
            cwd=ROOT,
            stdout=logs["gunicorn"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(  # noqa: S603
            [str(BIN / "celery"), *WORKER_ARGS],
            env=env,
            cwd=ROOT,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    results = {}
    try:
        wait_healthy(base + "/healthz")

        def member():
            return Browser(base, facilitator["cookie"], facilitator["key"])

        if "postgres" in args.drills:
            print("== Drill: PostgreSQL restarted during load ==", flush=True)
            results["postgres"] = drill_postgres(member, args.down)
            print(json.dumps(results["postgres"], indent=2), flush=True)
        if "redis" in args.drills:
            print("== Drill: Redis stopped during load ==", flush=True)
            results["redis"] = drill_redis(
                member, Browser(base, researcher["cookie"], researcher["key"]), env
            )
            print(json.dumps(results["redis"], indent=2), flush=True)
    finally:
        stop_private_services()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
    (out / "drills.json").write_text(json.dumps(results, indent=2))
    bad = [name for name, result in results.items() if not result["ok"]]
    print("Drills:", ", ".join(f"{n}: {'OK' if r['ok'] else 'FAILED'}" for n, r in results.items()))
    print(f"Details: {out / 'drills.json'}; logs: {out}/drill-*.log")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
