"""The statistics page of a large unit: 10 measures x 3 waves x 10,000 respondents
(300,000 values), timed through the whole Django stack (middleware, access check,
statistics, charts, template), with the number of queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks statistics

Aim (issue 5): under 200 ms, and a number of queries that does not depend on the data;
(issue 14): the first view itself under 200 ms, with no large spike in memory.
"""

import io
import os
import platform
import random
import statistics
import time
import tracemalloc
from datetime import date

RESPONDENTS = 10_000
REPEAT = 7
SLUG = "bench-statistics"
# code, type, min, max, higher_is_better
MEASURES = [
    ("ucla", "likert", 1, 4, False),
    ("djg", "numeric", 0, 11, False),
    ("mansa", "likert", 1, 7, True),
    ("selfeff", "numeric", 10, 40, True),
    ("wellbeing", "numeric", 0, 100, True),
    ("network", "yesno", None, None, True),
    ("support", "likert", 1, 5, True),
    ("hours", "numeric", 0, 168, False),
    ("contacts", "numeric", 0, 50, True),
    ("trust", "likert", 1, 10, True),
]
WAVES = ("baseline", "intermediary", "final")


def _value(rng, kind, lo, hi, wave_index):
    if kind == "yesno":
        return 1.0 if rng.random() < 0.4 + 0.1 * wave_index else 0.0
    drift = (hi - lo) * 0.05 * wave_index
    value = min(hi, max(lo, rng.gauss((lo + hi) / 2 + drift, (hi - lo) / 6)))
    return float(round(value)) if kind == "likert" else round(value, 1)


def _unit():
    """The benchmark unit with its 300,000 values (made once, kept between runs)."""
    from django.db import connection

    from research.models import Measure, Observation
    from research.services import data_version_bump
    from research.services.waves import waves_ensure_defaults
    from units.models import Unit

    unit = Unit.objects.filter(slug=SLUG).first()
    expected = RESPONDENTS * len(MEASURES) * len(WAVES)
    if unit and Observation.objects.filter(unit=unit).count() == expected:
        return unit
    Unit.objects.filter(slug=SLUG).delete()
    unit = Unit.objects.create(
        name="Benchmark statistics",
        slug=SLUG,
        theme="Benchmark",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 1, 1),
    )
    measures = [
        Measure.objects.create(
            unit=unit,
            code=code,
            label=code,
            type=kind,
            min_value=lo,
            max_value=hi,
            higher_is_better=better,
            order=i,
        )
        for i, (code, kind, lo, hi, better) in enumerate(MEASURES, start=1)
    ]
    waves = {w.code: w for w in waves_ensure_defaults(unit=unit)}
    rng = random.Random(5)
    buf = io.StringIO()
    now = "2026-01-01 00:00:00+00"
    for wave_index, code in enumerate(WAVES):
        wave = waves[code]
        for measure, (_c, kind, lo, hi, _b) in zip(measures, MEASURES, strict=True):
            for r in range(1, RESPONDENTS + 1):
                value = _value(rng, kind, lo, hi, wave_index)
                buf.write(f"{unit.pk}\t{measure.pk}\t{wave.pk}\tR{r:05d}\t{value}\t\t{now}\n")
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY research_observation (unit_id, measure_id, wave_id, respondent, "
            "value_numeric, value_text, updated_at) FROM STDIN",
            buf,
        )
        # What autovacuum would do soon after a large import: fresh planner statistics.
        cursor.execute("ANALYZE research_observation")
    data_version_bump(unit=unit)  # written past the import service: a new version by hand
    return unit


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from research.statistics import unit_statistics
    from units.models import Membership, Role

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    t0 = time.perf_counter()
    unit = _unit()
    print(
        f"unit ready ({time.perf_counter() - t0:.1f} s): {SLUG}, {len(MEASURES)} measures x "
        f"{len(WAVES)} waves x {RESPONDENTS:,} respondents"
    )
    user, _ = User.objects.get_or_create(
        email="bench-researcher@example.org", defaults={"full_name": "Bench Researcher"}
    )
    Membership.objects.get_or_create(
        unit=unit, user=user, left_on=None, defaults={"role": Role.RESEARCHER}
    )
    client = Client()
    client.force_login(user)
    url = reverse("research:statistics", kwargs={"slug": unit.slug})

    from django.core.cache import cache

    response = client.get(url)  # warm up (waves, connections, templates)
    assert response.status_code == 200, response.status_code

    def timed_get(clear_cache):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200
        selects = sum(1 for q in ctx.captured_queries if q["sql"].startswith("SELECT"))
        return elapsed, len(ctx), selects, len(response.content)

    cold = [timed_get(True) for _ in range(REPEAT)]
    warm = [timed_get(False) for _ in range(REPEAT)]

    compute_times, compute_cpu = [], []
    for _ in range(REPEAT):
        start, start_cpu = time.perf_counter(), time.process_time()
        stats = unit_statistics(unit, use_cache=False)
        compute_times.append((time.perf_counter() - start) * 1000)
        compute_cpu.append((time.process_time() - start_cpu) * 1000)

    from research.models import Observation, Wave
    from research.statistics.reading import read_numbers

    waves = list(Wave.objects.filter(unit=unit).in_time())
    read_times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        read_numbers(Observation.objects.filter(unit=unit), waves)
        read_times.append((time.perf_counter() - start) * 1000)

    # The benchmark's values are stored in the same respondent order in every measure and
    # wave, so PostgreSQL's reader splits and looks up the codes once. The worst case: every
    # measure and wave returns its respondents in an order of its own.
    from research.statistics.reading import CODE_SEPARATOR, respondent_rows

    codes = read_numbers(Observation.objects.filter(unit=unit), waves).respondents
    rng = random.Random(14)
    joined = [CODE_SEPARATOR.join(rng.sample(codes, len(codes))) for _ in MEASURES for _ in WAVES]
    worst_times, best_times = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        respondent_rows([text.split(CODE_SEPARATOR) for text in joined])
        worst_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        respondent_rows([joined[0].split(CODE_SEPARATOR)] * len(joined))
        best_times.append((time.perf_counter() - start) * 1000)

    # Peak memory apart from the timings: tracing every allocation slows them down.
    tracemalloc.start()
    unit_statistics(unit, use_cache=False)
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    def line(label, runs):
        times = [r[0] for r in runs]
        print(
            f"{label}, median of {REPEAT}: {statistics.median(times):.0f} ms "
            f"(min {min(times):.0f}, max {max(times):.0f}); "
            f"{runs[-1][1]} queries ({runs[-1][2]} SELECT, the rest savepoints and the "
            f"session's idle-time update); {runs[-1][3] // 1024} KB of HTML"
        )

    expected = RESPONDENTS * len(MEASURES) * len(WAVES)
    if Observation.objects.filter(unit=unit).count() != expected:
        print(
            "WARNING: the values changed during the run: is another process using the "
            "benchmark's database?"
        )
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, PostgreSQL, load average {os.getloadavg()[0]:.1f}"
    )
    line("statistics page, first view of this data (computed)", cold)
    line("statistics page, later views (cached for this version of the data)", warm)
    print(
        f"unit_statistics(use_cache=False) alone, median of {REPEAT}: "
        f"{statistics.median(compute_times):.0f} ms, of which "
        f"{statistics.median(compute_cpu):.0f} ms CPU in this process (the rest PostgreSQL "
        f"and waiting; {sum(m.for_wave('baseline').n for m in stats.measures):,} baseline "
        f"values); peak memory {peak_mib:.1f} MiB (tracemalloc)"
    )
    print(
        f"of which reading the numbers (read_numbers), median of {REPEAT}: "
        f"{statistics.median(read_times):.0f} ms; splitting and looking up the codes takes "
        f"{statistics.median(best_times):.0f} ms here, "
        f"{statistics.median(worst_times):.0f} ms if every measure and wave returned its "
        f"respondents in another order"
    )
