"""Large generated data for the load test, on top of seed_demo.

Idempotent: the units are ``load-unit-NN``; a second run finds them and stops.
Everyone's password is ``LOAD_PASSWORD`` (the load test logs in with it).
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

LOAD_PASSWORD = "load-test-password-2026"  # noqa: S105 - generated test accounts only
UNITS = 24
PEOPLE = 120
MEMBERS_PER_UNIT = 12
SESSIONS_PER_UNIT = 30
EXPERIMENTS_PER_UNIT = 60
MEASURES_PER_UNIT = 8
RESPONDENTS = 50


ROLES = ["facilitator", "researcher", "manager"] + [
    "professional",
    "service_user",
    "family_carer",
    "student",
] * 3


def load_accounts() -> list[str]:
    """The accounts the load test logs in with (each a member of several units)."""
    return [f"load{n:03d}@example.org" for n in range(PEOPLE)]


def unit_members(u: int) -> list[tuple[int, str]]:
    """(person number, role) of the members of ``load-unit-<u>``; pure, no database."""
    return [((u * 5 + i) % PEOPLE, ROLES[i % len(ROLES)]) for i in range(MEMBERS_PER_UNIT)]


def memberships_of(person: int) -> list[tuple[str, str]]:
    """(unit slug, role) for every load unit this person belongs to."""
    return [
        (f"load-unit-{u:02d}", role)
        for u in range(UNITS)
        for number, role in unit_members(u)
        if number == person
    ]


@transaction.atomic
def seed(stdout=print):
    from accounts.models import User
    from phases.models import Experiment, ExperimentComment
    from reports.models import Report
    from research.models import Measure, Observation, Wave
    from units.models import Attendance, Membership, Programme, Role, Session, Unit

    call_command("seed_demo", verbosity=0)
    if Unit.objects.filter(slug__startswith="load-unit-").exists():
        stdout("Load data already present.")
        return
    rng = random.Random(2026)  # noqa: S311 - reproducible test data
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(LOAD_PASSWORD)
    users = User.objects.bulk_create(
        User(email=email, full_name=f"Load Tester {n}", password=password, language="nl")
        for n, email in enumerate(load_accounts())
    )
    programmes = [
        Programme.objects.create(name=f"Load programme {p}", slug=f"load-programme-{p}")
        for p in range(3)
    ]
    for u in range(UNITS):
        unit = Unit.objects.create(
            name=f"Load unit {u:02d}",
            slug=f"load-unit-{u:02d}",
            theme="Recognising loneliness earlier",
            programme=programmes[u % 3],
            planned_start=today - timedelta(days=300),
            planned_end=today + timedelta(days=300),
            cadence_weeks=4,
            phase=1 + u % 6,
        )
        plan = unit_members(u)
        members = [users[number] for number, _role in plan]
        Membership.objects.bulk_create(
            Membership(unit=unit, user=users[number], role=Role(role)) for number, role in plan
        )
        sessions = Session.objects.bulk_create(
            Session(
                unit=unit,
                starts_at=now + timedelta(weeks=4 * (s - SESSIONS_PER_UNIT // 2)),
                location="Buurthuis De Ster",
                phase=unit.phase,
                notes="Discussed the experiments of the last weeks." if s % 2 else "",
            )
            for s in range(SESSIONS_PER_UNIT)
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, user=person, status=rng.choice(["present", "absent"]))
            for session in sessions
            if session.starts_at < now
            for person in members
        )
        experiments = Experiment.objects.bulk_create(
            Experiment(
                unit=unit,
                author=members[e % MEMBERS_PER_UNIT],
                title=f"Experiment {e}: an open question at the first visit",
                situation="A home visit to a man of 82 who lives alone.",
                tried="Asked about his week instead of ticking the checklist.",
                learned="Open questions opened the conversation.",
                visibility="shared" if e % 5 else "private",
            )
            for e in range(EXPERIMENTS_PER_UNIT)
        )
        ExperimentComment.objects.bulk_create(
            ExperimentComment(
                experiment=experiment,
                author=members[(i + c) % MEMBERS_PER_UNIT],
                text="Herkenbaar.",
            )
            for i, experiment in enumerate(experiments)
            for c in range(2)
        )
        waves = [
            Wave.objects.get_or_create(
                unit=unit, code=code, defaults={"label": code.title(), "order": order}
            )[0]
            for order, code in enumerate(["baseline", "intermediary", "final"], start=1)
        ]
        measures = Measure.objects.bulk_create(
            Measure(
                unit=unit,
                code=f"M{m}",
                label=f"Measure {m}",
                construct="Loneliness",
                type="likert",
                min_value=1,
                max_value=5,
            )
            for m in range(MEASURES_PER_UNIT)
        )
        Observation.objects.bulk_create(
            Observation(
                unit=unit,
                measure=measure,
                wave=wave,
                respondent=f"R{r:03d}",
                value_numeric=rng.randint(1, 5),
            )
            for measure in measures
            for wave in waves
            for r in range(RESPONDENTS)
        )
        for version, kind in enumerate(["baseline", "baseline", "intermediary"], start=1):
            Report.objects.create(
                unit=unit,
                kind=kind,
                language="nl",
                version=version,
                status="done",
                progress=100,
                page_count=12,
                requested_by=members[1],
                finished_at=now,
            )
    stdout(
        f"Load data: {UNITS} units, {PEOPLE} people, {UNITS * SESSIONS_PER_UNIT} sessions, "
        f"{UNITS * EXPERIMENTS_PER_UNIT} experiments, "
        f"{UNITS * MEASURES_PER_UNIT * 3 * RESPONDENTS} observations."
    )


def signed_in_sessions(count: int) -> list[dict]:
    """Sessions for the first ``count`` load accounts, as if each had just logged in.

    The load test measures pages, not Argon2: logging 50 people in at once costs
    seconds of CPU on two cores (measured separately in docs/reliability.md).
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    people = {u.email: u for u in User.objects.filter(email__in=load_accounts()[:count])}
    sessions = []
    for number, email in enumerate(load_accounts()[:count]):
        user = people[email]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(
            {"person": number, "cookie": settings.SESSION_COOKIE_NAME, "key": store.session_key}
        )
    return sessions
