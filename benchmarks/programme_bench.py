"""The programme comparison at 3 and at 20 units: every unit with 5 measures x 3 waves
x 60 respondents (the same measure codes in every unit, so the comparison lines them
up) and 4 coded themes, two of them in every unit. A researcher of every unit
``GET``s ``/programmes/<slug>/research/`` through the whole stack (middleware, access
check, ``units_statistics``, themes, template).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks programme

Printed per programme, each the median of 7 with the queries counted: the first view
of the data (cache cleared before each) and later views (cached). Aim (issue 14):
cached under 200 ms at 20 units, and as many queries at 20 units as at 3.
"""

import os
import platform
import random
import statistics
import time
from datetime import date

REPEAT = 7
SIZES = (3, 20)
MEASURES = 5
WAVES = ("baseline", "intermediary", "final")
RESPONDENTS = 60
THEMES = ("Trust", "Time to talk")  # coded in every unit; each unit has two of its own too
FRAGMENTS_PER_THEME = 3
RESEARCHER = "bench-programme@example.org"


def programme_slug(size: int) -> str:
    return f"bench-programme-{size}"


def _expected_observations() -> int:
    return sum(SIZES) * MEASURES * len(WAVES) * RESPONDENTS


def _make_unit(programme, number: int, rng):
    from django.contrib.contenttypes.models import ContentType

    from research.models import CodedFragment, Material, Measure, Observation, Theme
    from research.services import data_version_bump
    from research.services.waves import waves_ensure_defaults
    from units.models import Unit

    unit = Unit.objects.create(
        name=f"{programme.name}, unit {number:02d}",
        slug=f"{programme.slug}-unit-{number:02d}",
        theme="Recognising loneliness earlier",
        programme=programme,
        planned_start=date(2026, 1, 1),
        planned_end=date(2027, 1, 1),
    )
    waves = waves_ensure_defaults(unit=unit)
    measures = Measure.objects.bulk_create(
        Measure(
            unit=unit,
            code=f"m{m}",
            label=f"Measure {m}",
            type="likert",
            min_value=1,
            max_value=5,
            higher_is_better=m % 2 == 0,
            order=m,
        )
        for m in range(1, MEASURES + 1)
    )
    Observation.objects.bulk_create(
        Observation(
            unit=unit,
            measure=measure,
            wave=wave,
            respondent=f"R{r:03d}",
            value_numeric=min(5, max(1, round(rng.gauss(3 + 0.2 * w, 1)))),
        )
        for measure in measures
        for w, wave in enumerate(waves)
        for r in range(RESPONDENTS)
    )
    data_version_bump(unit=unit)  # written past the import service: a new version by hand

    own = (f"Theme of unit {number}", f"Another theme of unit {number}")
    themes = Theme.objects.bulk_create(Theme(unit=unit, name=name) for name in THEMES + own)
    material = Material.objects.create(unit=unit, title="Focus group", text="x" * 2000)
    fragments = CodedFragment.objects.bulk_create(
        CodedFragment(
            unit=unit,
            content_type=ContentType.objects.get_for_model(Material),
            object_id=material.pk,
            source_field="text",
            start=10 * i,
            end=10 * i + 40,
            text="She felt taken seriously when the carer joined the visit.",
        )
        for i in range(len(themes) * FRAGMENTS_PER_THEME)
    )
    through = CodedFragment.themes.through
    through.objects.bulk_create(
        through(codedfragment_id=fragment.pk, theme_id=themes[i % len(themes)].pk)
        for i, fragment in enumerate(fragments)
    )
    return unit


def _programmes():
    """The two programmes with their units (made once, kept between runs)."""
    from django.db import transaction

    from research.models import Observation
    from units.models import Programme, Unit

    slugs = [programme_slug(size) for size in SIZES]
    kept = Observation.objects.filter(unit__programme__slug__in=slugs).count()
    if kept == _expected_observations():
        return [Programme.objects.get(slug=slug) for slug in slugs]
    Unit.objects.filter(programme__slug__in=slugs).delete()
    Programme.objects.filter(slug__in=slugs).delete()
    rng = random.Random(14)  # noqa: S311 - reproducible benchmark data
    programmes = []
    with transaction.atomic():
        for size in SIZES:
            programme = Programme.objects.create(
                name=f"Benchmark programme of {size} units", slug=programme_slug(size)
            )
            for number in range(1, size + 1):
                _make_unit(programme, number, rng)
            programmes.append(programme)
    return programmes


def _researcher():
    from accounts.models import User
    from units.models import Membership, Role, Unit

    user, _ = User.objects.get_or_create(
        email=RESEARCHER, defaults={"full_name": "Bench Programme Researcher"}
    )
    slugs = [programme_slug(size) for size in SIZES]
    for unit in Unit.objects.filter(programme__slug__in=slugs):
        Membership.objects.get_or_create(
            unit=unit, user=user, left_on=None, defaults={"role": Role.RESEARCHER}
        )
    return user


def _measure(client, url: str) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed_get(clear_cache: bool):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}, not 200")
        selects = sum(1 for q in queries.captured_queries if q["sql"].startswith("SELECT"))
        return elapsed, len(queries), selects, len(response.content)

    timed_get(False)  # warm-up: templates, connections
    return {
        "first view (cache cleared)": [timed_get(True) for _ in range(REPEAT)],
        "later views (cached)": [timed_get(False) for _ in range(REPEAT)],
    }


def _counted(programmes) -> str:
    """What the database holds, counted (two runs must show the same)."""
    from research.models import CodedFragment, Observation
    from units.models import Unit

    units = Unit.objects.filter(programme__in=programmes).count()
    values = Observation.objects.filter(unit__programme__in=programmes).count()
    fragments = CodedFragment.objects.filter(unit__programme__in=programmes).count()
    return f"{units} units, {values:,} values, {fragments} coded passages"


def run():
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    programmes = _programmes()
    client = Client()
    client.force_login(_researcher())
    print(
        f"workload ({time.perf_counter() - started:.1f} s to make or find): programmes of "
        f"{' and '.join(map(str, SIZES))} units, each unit {MEASURES} measures x "
        f"{len(WAVES)} waves x {RESPONDENTS} respondents and {len(THEMES) + 2} coded themes "
        f"({_counted(programmes)} in the database); signed in as a researcher of every unit"
    )
    results = {}
    for size, programme in zip(SIZES, programmes, strict=True):
        url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
        results[size] = _measure(client, url)
    print(f"after the run: {_counted(programmes)}")

    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"{'units':>5}  {'view':28} {'median ms':>9} {'min':>6} {'max':>6} "
        f"{'queries':>7} {'SELECT':>6} {'KB':>5}"
    )
    for size, views in results.items():
        for label, runs in views.items():
            times = [r[0] for r in runs]
            print(
                f"{size:5d}  {label:28} {statistics.median(times):9.0f} {min(times):6.0f} "
                f"{max(times):6.0f} {runs[-1][1]:7d} {runs[-1][2]:6d} {runs[-1][3] // 1024:5d}"
            )
    cached = statistics.median(r[0] for r in results[max(SIZES)]["later views (cached)"])
    verdict = "meets" if cached < 200 else "misses"
    print(f"aim: cached under 200 ms at {max(SIZES)} units: {cached:.0f} ms, {verdict} it")
