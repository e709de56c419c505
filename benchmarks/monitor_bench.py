"""The learning monitor at 50 units: the dashboard of a facilitator of all 50, and the
programme view of a manager of all 50. Each unit has 16 months of history: 10
members, 18 sessions with attendance, 60 practice experiments with responses,
8 action steps and its phase transitions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m benchmarks monitor

Prints, per page, the median wall and CPU time of REPEAT requests through Django's
test client (rendering included) and the number of queries, which does not grow
with the number of units (tests/phases/test_monitor.py holds that).
"""

import platform
import random
import statistics
import time
from datetime import timedelta

UNITS = 50
MEMBERS = 10
MONTHS = 16
EXPERIMENTS_PER_UNIT = 60
REPEAT = 5
PROGRAMME = "bench-monitor"


def _world():
    """50 units in one programme (made once, kept between runs)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from phases.models import ActionStep, Experiment, ExperimentComment, Goal, PhaseTransition
    from units.models import Attendance, Membership, Programme, Role, Session, Unit

    User = get_user_model()
    facilitator, _ = User.objects.get_or_create(
        email="bench-facilitator@example.org", defaults={"full_name": "Bench Facilitator"}
    )
    manager, _ = User.objects.get_or_create(
        email="bench-manager@example.org", defaults={"full_name": "Bench Manager"}
    )
    programme, created = Programme.objects.get_or_create(
        slug=PROGRAMME, defaults={"name": "Bench monitor"}
    )
    if not created:
        return facilitator, manager, programme
    rng = random.Random(16)
    now = timezone.now()
    start = (now - timedelta(days=30 * MONTHS)).date()
    for u in range(UNITS):
        unit = Unit.objects.create(
            name=f"Bench unit {u:02d}",
            slug=f"bench-monitor-{u:02d}",
            theme="Benchmark",
            programme=programme,
            planned_start=start,
            planned_end=start + timedelta(days=730),
            phase=5,
        )
        people = [
            User.objects.create(email=f"bench-m{u}-{i}@example.org", full_name=f"Member {u}-{i}")
            for i in range(MEMBERS)
        ]
        Membership.objects.bulk_create(
            [Membership(unit=unit, user=facilitator, role=Role.FACILITATOR, joined_on=start)]
            + [Membership(unit=unit, user=manager, role=Role.MANAGER, joined_on=start)]
            + [
                Membership(unit=unit, user=p, role=Role.PROFESSIONAL, joined_on=start)
                for p in people
            ]
        )
        for phase, month in ((2, 1), (3, 3), (4, 5), (5, 7)):
            PhaseTransition.objects.create(
                unit=unit,
                from_phase=phase - 1,
                to_phase=phase,
                direction="advance",
                at=now - timedelta(days=30 * (MONTHS - month)),
            )
        sessions = Session.objects.bulk_create(
            Session(unit=unit, starts_at=now - timedelta(days=27 * s + 3), phase=5)
            for s in range(18)
        )
        chance = rng.uniform(0.5, 0.95)
        Attendance.objects.bulk_create(
            Attendance(session=s, user=p, status="present" if rng.random() < chance else "absent")
            for s in sessions
            for p in people
        )
        experiments = Experiment.objects.bulk_create(
            Experiment(
                unit=unit,
                author=rng.choice(people),
                title="Tried",
                learned="Learned" if rng.random() < 0.7 else "",
                next_steps="Next" if rng.random() < 0.6 else "",
                visibility="shared" if rng.random() < 0.8 else "draft",
                knowledge_sources=["professional"],
                created_at=now - timedelta(days=rng.randint(1, 30 * (MONTHS - 7))),
            )
            for _e in range(EXPERIMENTS_PER_UNIT)
        )
        ExperimentComment.objects.bulk_create(
            ExperimentComment(
                experiment=e, author=rng.choice(people), text="Yes", created_at=e.created_at
            )
            for e in experiments
            if rng.random() < 0.6
        )
        goal = Goal.objects.create(unit=unit, text="Goal")
        ActionStep.objects.bulk_create(
            ActionStep(
                goal=goal,
                what=f"Step {i}",
                status="done" if i < 4 else "open",
                due_date=(now + timedelta(days=rng.randint(-40, 40))).date(),
            )
            for i in range(8)
        )
    return facilitator, manager, programme


def _time(client, url):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    walls, cpus = [], []
    for _i in range(REPEAT):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(walls), statistics.median(cpus), len(queries)


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    t0 = time.perf_counter()
    facilitator, manager, programme = _world()
    print(f"setup: {time.perf_counter() - t0:.1f} s ({UNITS} units)")
    print(
        f"Python {platform.python_version()}, PostgreSQL "
        f"{connection.cursor().connection.info.server_version}"
    )
    pages = [
        ("dashboard (facilitator of 50 units)", facilitator, reverse("units:dashboard")),
        ("my monitor (facilitator of 50 units)", facilitator, reverse("monitor:mine")),
        (
            "programme monitor (manager of 50 units)",
            manager,
            reverse("monitor:programme", kwargs={"slug": programme.slug}),
        ),
    ]
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm the caches (templates, translations)
        wall, cpu, queries = _time(client, url)
        print(
            f"{label}: median {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU, "
            f"{queries} queries (of {REPEAT} requests)"
        )
    print(f"at {timezone.localtime():%Y-%m-%d %H:%M}")
