"""Import of a wide file of 10,000 respondents x 10 measures (100,000 values) on PostgreSQL,
next to PostgreSQL's own COPY of the same values into the same table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks import
"""

import io
import platform
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

RESPONDENTS = 10_000
REPEAT = 3
SLUG = "bench-import"
# code, type, min, max
MEASURES = [
    ("ucla", "likert", 1, 4),
    ("djg", "numeric", 0, 11),
    ("mansa", "likert", 1, 7),
    ("selfeff", "numeric", 10, 40),
    ("wellbeing", "numeric", 0, 100),
    ("network", "yesno", None, None),
    ("support", "likert", 1, 5),
    ("hours", "numeric", 0, 168),
    ("contacts", "numeric", 0, 50),
    ("trust", "likert", 1, 10),
]


def _unit():
    from research.models import Measure
    from units.models import Unit

    Unit.objects.filter(slug=SLUG).delete()
    unit = Unit.objects.create(
        name="Benchmark unit",
        slug=SLUG,
        theme="Benchmark",
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 1, 1),
    )
    for order, (code, kind, lo, hi) in enumerate(MEASURES, start=1):
        Measure.objects.create(
            unit=unit, code=code, label=code, type=kind, min_value=lo, max_value=hi, order=order
        )
    return unit


def _value(rng, kind, lo, hi):
    if kind == "yesno":
        return rng.choice(["ja", "nee"])
    if kind == "likert":
        return str(rng.randint(lo, hi))
    return f"{rng.uniform(lo, hi):.1f}".replace(".", ",")


def _write_file(path: Path, seed: int):
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(["respondent"] + [m[0] for m in MEASURES]) + "\r\n")
        for i in range(1, RESPONDENTS + 1):
            cells = [f"R{i:05d}"] + [_value(rng, k, lo, hi) for _, k, lo, hi in MEASURES]
            out.write(";".join(cells) + "\r\n")


def _copy_buffer(unit, wave, path: Path) -> io.StringIO:
    """The same values in COPY's text format (prepared before timing: COPY alone is timed)."""
    measures = {m.code: m for m in unit.measures.all()}
    now = "2026-01-01 00:00:00+00"
    buf = io.StringIO()
    with path.open(encoding="utf-8") as f:
        header = f.readline().strip().split(";")
        codes = header[1:]
        for line in f:
            cells = line.rstrip("\r\n").split(";")
            for code, raw in zip(codes, cells[1:], strict=True):
                m = measures[code]
                if m.type == "yesno":
                    value = "1" if raw == "ja" else "0"
                else:
                    value = raw.replace(",", ".")
                buf.write(f"{unit.pk}\t{m.pk}\t{wave.pk}\t{cells[0]}\t{value}\t\t{now}\n")
    return buf


def _truncate():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE research_observationchange, research_observation RESTART IDENTITY")
        cursor.execute("VACUUM ANALYZE research_observation")


def _time_copy(buf):
    from django.db import connection, transaction

    buf.seek(0)
    # Timed up to and including the commit, where PostgreSQL checks Django's deferred
    # foreign keys, as the import is.
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY research_observation (unit_id, measure_id, wave_id, respondent, "
            "value_numeric, value_text, updated_at) FROM STDIN",
            buf,
        )
    return time.perf_counter() - start


def _time_import(unit, wave, path):
    from research.services import observations_import

    start = time.perf_counter()
    result = observations_import(unit=unit, file=str(path), wave=wave, actor=None)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise SystemExit("import failed: " + "; ".join(str(p) for p in list(result.problems)[:5]))
    return elapsed, result


def run():
    from django.db import connection

    from research.models import Observation
    from research.services import waves_ensure_defaults

    unit = _unit()
    wave = waves_ensure_defaults(unit=unit)[0]
    values = RESPONDENTS * len(MEASURES)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wide.csv"
        changed = Path(tmp) / "wide-changed.csv"
        _write_file(path, seed=1)
        _write_file(changed, seed=2)
        size_mb = path.stat().st_size / 1024 / 1024
        buf = _copy_buffer(unit, wave, path)

        copy_times, import_times, reimport_times, replace_times = [], [], [], []
        for _ in range(REPEAT):
            _truncate()
            copy_times.append(_time_copy(buf))
            assert Observation.objects.filter(unit=unit).count() == values
            _truncate()
            elapsed, result = _time_import(unit, wave, path)
            assert result.created == values, result.summary_line()
            import_times.append(elapsed)
            elapsed, result = _time_import(unit, wave, path)
            assert result.unchanged == values, result.summary_line()
            reimport_times.append(elapsed)
            elapsed, result = _time_import(unit, wave, changed)
            replace_times.append(elapsed)
        replaced = result.updated

        # Peak Python memory of one import (tracemalloc slows Python down: timed apart).
        _truncate()
        tracemalloc.start()
        _time_import(unit, wave, path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    copy_s = statistics.median(copy_times)
    import_s = statistics.median(import_times)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    print(
        f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}, "
        f"PostgreSQL {pg_version}"
    )
    print(
        f"file: {RESPONDENTS} respondents x {len(MEASURES)} measures = {values} values, "
        f"{size_mb:.1f} MB (csv, ';', decimal commas); median of {REPEAT} runs"
    )
    print(f"PostgreSQL COPY (raw, no checks):   {copy_s:6.3f} s  {values / copy_s:9.0f} values/s")
    print(
        f"import, new values (all checks):   {import_s:6.3f} s  {values / import_s:9.0f} values/s"
        f"  = {copy_s / import_s:.0%} of COPY throughput"
    )
    reimport_s = statistics.median(reimport_times)
    replace_s = statistics.median(replace_times)
    print(
        f"import again, nothing changes:     {reimport_s:6.3f} s  "
        f"{values / reimport_s:9.0f} values/s"
    )
    print(
        f"import, {replaced} values replaced: {replace_s:6.3f} s  "
        f"{values / replace_s:9.0f} values/s (history written)"
    )
    print(f"peak Python memory during import:  {peak / 1024 / 1024:6.1f} MB (tracemalloc)")
    _truncate()
