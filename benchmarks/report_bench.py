"""The final report of a large unit, rendered through the same path as the workers:
12 members, 40 sessions with attendance, 200 practice experiments, 6 goals with
30 action steps, 10 measures x 3 waves x 100 respondents, 12 coded themes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks report

Prints the wall time of ``report_render`` (snapshot, HTML, PDF, storing), the time
WeasyPrint alone takes on the same HTML in the same run, the pages, and the peak
memory (resident set of this process). Aim (issue 6): our share under a third of
the total, the whole under 5 s and 400 MiB. CPU time is printed next to wall
time: on a shared machine the wall time mostly measures the other processes.
"""

import gc
import platform
import random
import resource
import statistics
import time
from datetime import date, timedelta

SLUG = "bench-report"
REPEAT = 3
MEMBERS = 12
SESSIONS = 40
EXPERIMENTS = 200
RESPONDENTS = 100
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
ROLES = ["facilitator", "researcher"] + ["professional"] * 7 + ["service_user", "family_carer"]
ROLES += ["student"]


def _value(rng, kind, lo, hi, wave_index):
    if kind == "yesno":
        return 1.0 if rng.random() < 0.4 + 0.1 * wave_index else 0.0
    drift = (hi - lo) * 0.05 * wave_index
    value = min(hi, max(lo, rng.gauss((lo + hi) / 2 + drift, (hi - lo) / 6)))
    return float(round(value)) if kind == "likert" else round(value, 1)


def _unit():
    """The benchmark unit (made once, kept between runs)."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from phases.models import ActionStep, Experiment, Goal, PlanVersion
    from research.models import CodedFragment, Material, Measure, Observation, Theme
    from research.services import data_version_bump
    from research.services.waves import waves_ensure_defaults
    from units.models import Attendance, Membership, Session, Unit

    unit = Unit.objects.filter(slug=SLUG).first()
    if unit and Experiment.objects.filter(unit=unit).count() == EXPERIMENTS:
        return unit
    Unit.objects.filter(slug=SLUG).delete()
    rng = random.Random(6)
    unit = Unit.objects.create(
        name="Benchmark: a large unit",
        slug=SLUG,
        theme="Recognising loneliness of older people living at home earlier",
        target_group="Older people (75+) living at home",
        planned_start=date(2025, 1, 6),
        planned_end=date(2026, 12, 18),
        cadence_weeks=3,
    )
    User = get_user_model()
    people = []
    for i, role in enumerate(ROLES[:MEMBERS]):
        user, _ = User.objects.get_or_create(
            email=f"bench-report-{i}@example.org", defaults={"full_name": f"Member {i:02d}"}
        )
        Membership.objects.create(unit=unit, user=user, role=role, joined_on=date(2025, 1, 6))
        people.append(user)

    start = timezone.now() - timedelta(days=21 * SESSIONS)
    sessions = Session.objects.bulk_create(
        Session(
            unit=unit,
            starts_at=start + timedelta(days=21 * i),
            phase=min(6, 3 + i // 12),
            notes="Notes of the session.",
            decisions="We keep the conversation guide and try it with carers present.",
        )
        for i in range(SESSIONS)
    )
    statuses = ["present"] * 7 + ["excused", "absent"]
    Attendance.objects.bulk_create(
        Attendance(session=s, user=p, status=rng.choice(statuses)) for s in sessions for p in people
    )

    goals = [
        Goal.objects.create(unit=unit, text=f"Goal {g + 1}: a clearly formulated goal", order=g)
        for g in range(6)
    ]
    ActionStep.objects.bulk_create(
        ActionStep(
            goal=goals[i % 6],
            what=f"Action step {i + 1}: try the conversation guide in five home visits",
            owner=people[i % MEMBERS],
            due_date=date(2025, 6, 1) + timedelta(days=10 * i),
            status=rng.choice(["open", "in_progress", "done", "done"]),
            order=i,
        )
        for i in range(30)
    )
    PlanVersion.objects.create(unit=unit, number=1, reason="First plan.", snapshot={"goals": []})
    PlanVersion.objects.create(
        unit=unit, number=2, reason="Adjusted after the intermediary report.", snapshot={}
    )
    experiments = Experiment.objects.bulk_create(
        Experiment(
            unit=unit,
            author=people[i % MEMBERS],
            goal=goals[i % 6],
            title=f"Experiment {i + 1}",
            date=date(2025, 3, 1) + timedelta(days=2 * i),
            situation="A home visit to a man of 82 who lives alone.",
            tried="Asked about his week instead of ticking the checklist.",
            happened="He talked for twenty minutes about his late wife.",
            learned="Open questions opened the conversation; the checklist closed it.",
            knowledge_sources=rng.sample(["experiential", "professional", "scientific"], 2),
            visibility="shared" if i % 5 else "draft",
        )
        for i in range(EXPERIMENTS)
    )

    waves = {w.code: w for w in waves_ensure_defaults(unit=unit)}
    measures = [
        Measure.objects.create(
            unit=unit,
            code=code,
            label=f"{code} scale",
            type=kind,
            min_value=lo,
            max_value=hi,
            higher_is_better=better,
            order=i,
        )
        for i, (code, kind, lo, hi, better) in enumerate(MEASURES, start=1)
    ]
    Observation.objects.bulk_create(
        Observation(
            unit=unit,
            measure=m,
            wave=waves[wave],
            respondent=f"R{r:03d}",
            value_numeric=_value(rng, kind, lo, hi, w),
        )
        for m, (_c, kind, lo, hi, _b) in zip(measures, MEASURES, strict=True)
        for w, wave in enumerate(("baseline", "intermediary", "final"))
        for r in range(RESPONDENTS)
    )
    data_version_bump(unit=unit)  # written past the import service: a new version by hand

    themes = [
        Theme.objects.create(
            unit=unit,
            name=f"Theme {t + 1}",
            description="What this theme is about.",
            factor=["none", "contextual", "common"][t % 3],
        )
        for t in range(12)
    ]
    material = Material.objects.create(unit=unit, title="Focus group", text="x" * 2000)
    material_type = ContentType.objects.get_for_model(Material)
    experiment_type = ContentType.objects.get_for_model(Experiment)
    for i in range(120):
        source = experiments[i] if i % 2 else material
        fragment = CodedFragment.objects.create(
            unit=unit,
            content_type=experiment_type if i % 2 else material_type,
            object_id=source.pk,
            source_field="learned" if i % 2 else "text",
            start=0,
            end=40,
            text="She felt taken seriously when the carer was asked to join the visit.",
        )
        fragment.themes.add(themes[i % 12])
    return unit


def _render_once(unit, actor):
    from reports.models import Kind
    from reports.rendering import html_to_pdf, render_html
    from reports.services import build_snapshot, meta_for, report_render, report_request

    report = report_request(unit=unit, kind=Kind.FINAL, language="nl", actor=actor, send=False)
    gc.collect()
    started, cpu_started = time.perf_counter(), time.process_time()
    report = report_render(report.pk)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert report.status == "done", report.error
    # The same steps again, timed one by one.
    started = time.perf_counter()
    snapshot = build_snapshot(report)
    snapshot_time = time.perf_counter() - started
    started = time.perf_counter()
    html = render_html(
        kind=report.kind, language=report.language, snapshot=snapshot, meta=meta_for(report)
    )
    html_time = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    html_to_pdf(html)
    weasyprint, weasy_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return (
        total,
        weasyprint,
        report.page_count,
        snapshot_time,
        html_time,
        len(html),
        total_cpu,
        weasy_cpu,
    )


def run():
    from django.contrib.auth import get_user_model

    from reports.models import Report

    unit = _unit()
    Report.objects.filter(unit=unit).delete()
    actor = get_user_model().objects.get(email="bench-report-1@example.org")
    _render_once(unit, actor)  # warm-up: templates, fonts, imports
    runs = [_render_once(unit, actor) for _ in range(REPEAT)]
    total = statistics.median(r[0] for r in runs)
    weasy = statistics.median(r[1] for r in runs)
    snapshot_time = statistics.median(r[3] for r in runs)
    html_time = statistics.median(r[4] for r in runs)
    pages = runs[-1][2]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours = snapshot_time + html_time
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"unit: {MEMBERS} members, {SESSIONS} sessions, {EXPERIMENTS} experiments, "
        f"{len(MEASURES)} measures x 3 waves x {RESPONDENTS} respondents"
    )
    print(f"final report: {pages} pages, HTML {runs[-1][5] / 1024:.0f} KiB")
    total_cpu = statistics.median(r[6] for r in runs)
    weasy_cpu = statistics.median(r[7] for r in runs)
    print(f"report_render wall time (median of {REPEAT}): {total:.2f} s (CPU {total_cpu:.2f} s)")
    print(f"  snapshot (queries, statistics):    {snapshot_time:.2f} s")
    print(f"  HTML (charts, templates):          {html_time:.2f} s")
    print(f"  WeasyPrint alone on the same HTML: {weasy:.2f} s (CPU {weasy_cpu:.2f} s)")
    print(
        f"our share (snapshot + HTML): {ours:.2f} s = {ours / (ours + weasy):.0%} "
        "of snapshot + HTML + WeasyPrint"
    )
    print(f"peak memory (resident set of this benchmark's own process): {peak_mib:.0f} MiB")
    Report.objects.filter(unit=unit).delete()
