"""Report rendering by a real Celery worker with 1 and with 2 worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks workers

The unit of ``python -m benchmarks report`` (made here on this benchmark's own
database), 6 reports of it (3 intermediary, 3 final, in Dutch) requested as a person
requests them (``report_request``: stored, sent to the broker on commit) and rendered
by ``celery -A bpu worker`` with the docker-compose command line but
``--concurrency=N``, N = 1 and 2, on Redis database 11 (broker and result backend).
Each worker first renders N reports untimed (every worker process loads its
templates and fonts once), then the batch is timed from the request until the last
report is done. The runs alternate (1, 2, 1, 2) so that other work on the machine
weighs on both; printed are every run with the worker's CPU time (its start and
warm-up included: the same whatever else runs), then per N the fastest run's wall
time, reports per minute, and the speed-up of 2 processes over 1. On 2 cores shared
with other work the speed-up is below 2.
"""

import os
import platform
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

BROKER = "redis://127.0.0.1:6379/11"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".ci-artifacts" / "bench-workers"
# The worker writes the PDFs; this process deletes them with their reports: one folder.
ENVIRONMENT = {
    "CELERY_BROKER_URL": BROKER,
    "CELERY_RESULT_BACKEND": BROKER,
    "MEDIA_ROOT": str(OUT / "media"),
}
CONCURRENCIES = (1, 2)
ROUNDS = 2
BATCH = ("intermediary", "final") * 3
TIMEOUT = 600  # seconds for one batch: far beyond what it takes, short of hanging make bench


def _worker_command(concurrency: int) -> list[str]:
    from loadtest.__main__ import WORKER_ARGS

    args = [a for a in WORKER_ARGS if not a.startswith("--concurrency=")]
    return [str(Path(sys.executable).parent / "celery"), *args, f"--concurrency={concurrency}"]


def _request(unit, actor, kinds) -> list[int]:
    from django.db import transaction

    from reports.services import report_request

    with transaction.atomic():  # sent to the broker on commit, as from the request form
        reports = [
            report_request(unit=unit, kind=kind, language="nl", actor=actor) for kind in kinds
        ]
    return [r.pk for r in reports]


def _wait_done(ids: list[int]) -> None:
    from reports.models import Report, Status

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        finished = Report.objects.filter(pk__in=ids, status__in=[Status.DONE, Status.FAILED])
        if finished.count() == len(ids):
            failed = Report.objects.filter(pk__in=ids, status=Status.FAILED)
            if failed.exists():
                raise SystemExit(f"Reports failed: {list(failed.values_list('pk', 'error'))}")
            return
        time.sleep(0.1)
    raise SystemExit(f"Reports {ids} not done after {TIMEOUT} s: see {OUT / 'worker-*.log'}")


def _worker_env() -> dict:
    """The environment of the docker-compose worker (DEBUG off) on this benchmark's database."""
    from loadtest.__main__ import server_env

    return {**server_env(os.environ["DATABASE_URL"]), **ENVIRONMENT}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(concurrency: int, unit, actor) -> tuple[float, int, float]:
    """Seconds until the batch is done with ``concurrency`` worker processes, its pages, and
    the worker's CPU seconds (its processes are counted once they have all exited)."""
    from django.db.models import Sum

    from bpu.celery import ping
    from reports.models import Report

    Report.objects.filter(unit=unit).delete()
    env = _worker_env()
    cpu_before = _children_cpu()
    log_path = OUT / f"worker-{concurrency}.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(  # noqa: S603
            _worker_command(concurrency),
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            ping.apply_async().get(timeout=120)  # the worker consumes
            _wait_done(_request(unit, actor, ["final"] * concurrency))  # warm-up, untimed
            started = time.perf_counter()
            ids = _request(unit, actor, BATCH)
            _wait_done(ids)
            elapsed = time.perf_counter() - started
        finally:
            worker.send_signal(signal.SIGTERM)  # warm shutdown: the children finish and exit
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)  # the worker's own group (new session)
                worker.wait()
    cpu = _children_cpu() - cpu_before
    pages = Report.objects.filter(pk__in=ids).aggregate(pages=Sum("page_count"))["pages"]
    Report.objects.filter(unit=unit).delete()
    return elapsed, pages, cpu


def run():
    import redis
    from django.contrib.auth import get_user_model

    from benchmarks import report_bench
    from research.models import Observation

    OUT.mkdir(parents=True, exist_ok=True)
    try:
        redis.Redis.from_url(BROKER).flushdb()  # no task left over from an interrupted run
    except redis.ConnectionError as exc:
        raise SystemExit(f"The workers benchmark needs Redis at {BROKER}: {exc}") from exc
    # With DEBUG off the report's stylesheet comes from the collected static files.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=_worker_env(),
        cwd=ROOT,
        check=True,
    )
    started = time.perf_counter()
    unit = report_bench._unit()
    actor = get_user_model().objects.get(email="bench-report-1@example.org")
    print(
        f"workload ({time.perf_counter() - started:.1f} s to make or find): the unit of the "
        f"report benchmark ({report_bench.MEMBERS} members, {report_bench.SESSIONS} sessions, "
        f"{report_bench.EXPERIMENTS} experiments, {len(report_bench.MEASURES)} measures x 3 "
        f"waves x {report_bench.RESPONDENTS} respondents: "
        f"{Observation.objects.filter(unit=unit).count():,} values); "
        f"a batch of {len(BATCH)} reports "
        f"({BATCH.count('intermediary')} intermediary, {BATCH.count('final')} final, Dutch)",
        flush=True,
    )
    fastest = {}
    for _round in range(ROUNDS):
        for concurrency in CONCURRENCIES:
            elapsed, pages, cpu = _measure(concurrency, unit, actor)
            fastest[concurrency] = min(elapsed, fastest.get(concurrency, elapsed))
            print(
                f"--concurrency={concurrency}: {elapsed:.1f} s for {len(BATCH)} reports "
                f"({pages} pages), worker CPU {cpu:.1f} s; "
                f"load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    redis.Redis.from_url(BROKER).flushdb()
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL, Redis; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for concurrency, elapsed in fastest.items():
        print(
            f"fastest of {ROUNDS}, --concurrency={concurrency}: {elapsed:.1f} s, "
            f"{len(BATCH) / elapsed * 60:.1f} reports per minute"
        )
    print(f"speed-up of 2 worker processes over 1: {fastest[1] / fastest[2]:.2f}x")
