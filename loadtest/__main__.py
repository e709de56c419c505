"""``make load``: gunicorn (the docker-compose command line) on PostgreSQL with the large
generated data, Locust headless on 127.0.0.1 for a bounded time, then the figures.

    python -m loadtest [--users 50] [--spawn-rate 10] [--duration 60] [--port 8107]

LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bpu_load) names the
database; it is created, migrated and seeded when needed.
"""

import argparse
import csv
import json
import os
import platform
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.setup import ensure_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / ".ci-artifacts" / "load"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bpu_load"


def server_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bpu.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("LOAD_SECRET_KEY", "load-" + secrets.token_urlsafe(40)),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGIN": "http://localhost",  # no passkey is used under load
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        # Pages only: no broker, so nothing waits for one (the mix starts no task).
        "CELERY_BROKER_URL": os.environ.get("LOAD_BROKER_URL", ""),
        "REDIS_URL": "",
        "TASKS_IN_PROCESS": "1",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": os.environ.get("LOAD_MEDIA_ROOT", str(OUT / "media")),
    }


def run(cmd, env, **kwargs):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603


# The docker-compose worker command (celery ...), as the drills start it.
WORKER_ARGS = [
    "-A",
    "bpu",
    "worker",
    "--concurrency=2",
    "--max-memory-per-child=400000",
    "--loglevel=INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]


def gunicorn_command(port: int, workers: int) -> list[str]:
    # The docker-compose web command, bound to loopback.
    return [
        str(BIN / "gunicorn"),
        "bpu.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
    ]


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not become healthy at {url}")


def prepare(env: dict, sessions: int, sessions_file: Path) -> list[dict]:
    """Migrate, seed and collect the static files of the load database; then sign the
    first ``sessions`` load accounts in (written to ``sessions_file``, and returned)."""
    python = str(BIN / "python")
    run([python, "manage.py", "migrate", "--no-input", "-v0"], env)
    run(
        [python, "-c", "import django; django.setup(); from loadtest.seed import seed; seed()"],
        env,
    )
    run([python, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    run(
        [
            python,
            "-c",
            "import json, sys, django; django.setup(); "
            "from loadtest.seed import signed_in_sessions; "
            f"json.dump(signed_in_sessions({sessions}), open(sys.argv[1], 'w'))",
            str(sessions_file),
        ],
        env,
    )
    return json.loads(sessions_file.read_text())


def summary(csv_prefix: Path) -> dict:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["Name"]: row for row in rows}


def print_summary(rows: dict, duration: int, users: int) -> int:
    print()
    print(f"Load: {users} users for {duration} s on 127.0.0.1")
    print(f"{'page':22} {'requests':>8} {'fails':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, row in rows.items():
        print(
            f"{name[:22]:22} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    total = rows["Aggregated"]
    errors = int(total["Failure Count"])
    print()
    print(
        f"TOTAL requests/s={float(total['Requests/s']):.1f} p50={total['50%']}ms "
        f"p95={total['95%']}ms p99={total['99%']}ms errors={errors} "
        f"(of {total['Request Count']} requests)"
    )
    return errors


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (compose: 2)")
    parser.add_argument("--out", default=str(OUT), help="folder for Locust's CSV files")
    parser.add_argument(
        "--form-login",
        action="store_true",
        help="every simulated person logs in through the login form (measures Argon2 too)",
    )
    args = parser.parse_args(argv)

    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make load needs PostgreSQL: set LOAD_DATABASE_URL=postgres://...")
    ensure_database(database_url)
    env = server_env(database_url)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sessions_file = out / "sessions.json"
    prepare(env, args.users, sessions_file)

    base = f"http://127.0.0.1:{args.port}"
    log = open(out / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603
        gunicorn_command(args.port, args.workers),
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(base + "/healthz")
        prefix = out / "locust"
        run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                # Figures for the steady state, after every user has started.
                *([] if args.form_login else ["--reset-stats"]),
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "LOAD_SESSIONS": "" if args.form_login else str(sessions_file),
            },
        )
        load_before = os.getloadavg()
        rows = summary(prefix)
        errors = print_summary(rows, args.duration, args.users)
        total = rows["Aggregated"]
        record = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.platform()}",
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
            "load_average_15m_at_start": round(load_before[2], 2),
            "users": args.users,
            "duration_s": args.duration,
            "gunicorn_workers": args.workers,
            "requests": int(total["Request Count"]),
            "requests_per_s": round(float(total["Requests/s"]), 1),
            "p50_ms": total["50%"],
            "p95_ms": total["95%"],
            "p99_ms": total["99%"],
            "errors": errors,
            "pages": {
                name: {"n": row["Request Count"], "p50": row["50%"], "p95": row["95%"]}
                for name, row in rows.items()
                if name != "Aggregated"
            },
        }
        (out / "summary.json").write_text(json.dumps(record, indent=2))
        print(
            f"Machine: {record['machine']}; load average (1 min) at the end: "
            f"{record['load_average_1m_at_end']}. Summary: {out / 'summary.json'}"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
