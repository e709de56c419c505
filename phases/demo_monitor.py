"""Demo: a unit that stalls after phase 4, for the learning monitor to show.

's-Hertogenbosch started sixteen months ago, went through phases 1 to 4 on time
and entered realization; then fewer members came, experiments stopped being
shared and one member (Emma) dropped away. Its dashboard card, its monitor and the
programme view show it at a glance. Dates follow today, so the story stays recent.
Running it twice changes nothing.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from units import services as unit_services
from units.models import Attendance, Membership, Role, Session, Unit

from . import services
from .choices import KnowledgeSource
from .models import ActionStep, Experiment, ExperimentComment, Goal

SLUG_NAME = "BPU Den Bosch: zelfregie bij schulden"
DAYS_OF_HISTORY = 480
CADENCE_WEEKS = 4
# The session index at which each phase was entered.
PHASE_AT_SESSION = {2: 2, 3: 4, 4: 6, 5: 8}
MEMBERS = [
    ("professional@example.org", Role.PROFESSIONAL),
    ("member@example.org", Role.PROFESSIONAL),
    ("wijkteam1@example.org", Role.PROFESSIONAL),
    ("wijkteam2@example.org", Role.PROFESSIONAL),
    ("wijkteam3@example.org", Role.PROFESSIONAL),
    ("wijkteam4@example.org", Role.PROFESSIONAL),
    ("researcher@example.org", Role.RESEARCHER),
    ("manager@example.org", Role.MANAGER),
]
DROPPING_AWAY = "wijkteam4@example.org"
EXPERIMENT_TITLES = [
    "Samen de post openen",
    "Eerst vragen wat al lukt",
    "Budgetoverzicht door de bewoner zelf",
    "Afspraak bij de bewoner thuis in plaats van op kantoor",
    "Schuldeisers samen bellen",
    "Een ervaringsdeskundige bij het eerste gesprek",
]


def _present_count(index: int) -> int:
    """Members present (of seven): all until session 10, then fewer and fewer."""
    if index < 10:
        return 7 - index % 2
    return {10: 6, 11: 5, 12: 5, 13: 4}.get(index, 4)


def seed(demo) -> None:
    if Unit.objects.filter(name=SLUG_NAME).exists():
        return
    facilitator = demo.people["facilitator@example.org"]
    today = timezone.localdate()
    start = today - timedelta(days=DAYS_OF_HISTORY)
    unit = unit_services.unit_create(
        creator=facilitator,
        name=SLUG_NAME,
        theme="Bewoners met schulden houden zelf de regie over hun geldzaken.",
        target_group="Gezinnen met problematische schulden",
        programme=demo.programme,
        planned_start=start,
        planned_end=start + timedelta(days=730),
        cadence_weeks=CADENCE_WEEKS,
    )
    Membership.objects.filter(unit=unit).update(joined_on=start)
    Unit.objects.filter(pk=unit.pk).update(
        created_at=timezone.make_aware(datetime.combine(start, time(9)))
    )
    unit.refresh_from_db()
    for email, role in MEMBERS:
        Membership.objects.create(unit=unit, user=demo.people[email], role=role, joined_on=start)
    counted = [facilitator] + [demo.people[e] for e, r in MEMBERS if r == Role.PROFESSIONAL]
    # Emma is the first to stay away, then others follow.
    order = [p for p in counted if p.email != DROPPING_AWAY]
    order.insert(4, demo.people[DROPPING_AWAY])
    rng = random.Random(SLUG_NAME)

    now = timezone.now()
    sessions = []
    day, index = start, 0
    while True:
        starts = timezone.make_aware(datetime.combine(day, time(14)))
        if starts >= now:
            break
        phase = max([1] + [p for p, at in PHASE_AT_SESSION.items() if index >= at])
        session = Session.objects.create(
            unit=unit, starts_at=starts, location="Wijkcentrum De Hambaken", phase=phase
        )
        present = set(order[: _present_count(index)])
        if index >= 11:
            present.discard(demo.people[DROPPING_AWAY])
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                user=person,
                status=Attendance.Status.PRESENT if person in present else Attendance.Status.ABSENT,
            )
            for person in counted
        )
        sessions.append(session)
        day += timedelta(weeks=CADENCE_WEEKS)
        index += 1
    # The next session is planned.
    Session.objects.create(
        unit=unit,
        starts_at=timezone.make_aware(datetime.combine(day, time(14))),
        location="Wijkcentrum De Hambaken",
        phase=5,
    )

    for phase, at in PHASE_AT_SESSION.items():
        services.phase_advance(
            unit=unit,
            actor=facilitator,
            justification="Demo: in de praktijk afgerond.",
            expected_phase=phase - 1,
            at=sessions[at].starts_at - timedelta(days=1),
        )
    unit.refresh_from_db()

    goal = Goal.objects.create(unit=unit, text="Elke bewoner maakt zelf een budgetoverzicht.")
    owner = demo.people["wijkteam1@example.org"]
    ActionStep.objects.create(
        goal=goal, what="Werkblad budgetoverzicht maken", owner=owner, status="done"
    )
    for days, what in ((30, "Werkblad testen bij drie gezinnen"), (10, "Ervaringen bespreken")):
        ActionStep.objects.create(
            goal=goal, what=what, owner=owner, due_date=today - timedelta(days=days)
        )

    professionals = [demo.people[e] for e, r in MEMBERS if r == Role.PROFESSIONAL]
    for i, session in enumerate(sessions[PHASE_AT_SESSION[5] :]):
        lively = i < 3
        authors = professionals if lively else professionals[: 1 if i < 5 else 0]
        for author in authors:
            experiment = Experiment.objects.create(
                unit=unit,
                author=author,
                title=rng.choice(EXPERIMENT_TITLES),
                date=timezone.localtime(session.starts_at).date() + timedelta(days=5),
                situation="Een gezin met een stapel ongeopende post.",
                tried="De bewoner zelf laten sorteren wat dringend is.",
                happened="Het ging langzamer, maar de bewoner wist daarna wat er speelde.",
                learned="Zelf doen kost tijd en levert overzicht op." if lively else "",
                next_steps="Volgende keer een vast moment in de week afspreken." if lively else "",
                knowledge_sources=[KnowledgeSource.PROFESSIONAL, KnowledgeSource.EXPERIENTIAL],
                visibility=Experiment.Visibility.SHARED if lively else Experiment.Visibility.DRAFT,
                created_at=min(session.starts_at + timedelta(days=5), now),
            )
            if lively:
                ExperimentComment.objects.create(
                    experiment=experiment,
                    author=facilitator,
                    text="Herkenbaar. Bespreken we dit in de bijeenkomst?",
                    created_at=session.starts_at + timedelta(days=7),
                )
    demo.log.append(f"stalling unit {unit.slug}: {len(sessions)} sessions")
