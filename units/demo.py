"""Demo data for units: a programme of three units in one field, people in every role.

Each app has a ``demo.py`` with a ``seed(demo)`` function, registered with its
order in ``units.registry`` from the app's ``AppConfig.ready()``; ``seed_demo``
calls them in order. Every seeder checks before it creates, so running it twice
changes nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from .access import acting_role
from .consent import DEFAULT_TEXT_EN, DEFAULT_TEXT_NL
from .files import demo_png
from .models import (
    AccessAction,
    AccessLog,
    AgendaItem,
    Attendance,
    ConsentRecord,
    ConsentText,
    DataKind,
    Invitation,
    Membership,
    Organisation,
    Programme,
    Role,
    Rsvp,
    Session,
    Unit,
)
from .services import local_datetime, series_dates, session_attachment_add

# The answers to the next session of each unit, in member order; the rest say nothing.
RSVP_ANSWERS = ["yes", "yes", "maybe", "yes", "no", "yes"]

DEMO_PASSWORD = "demo-bpu-2026"  # noqa: S105 - printed on purpose: demo accounts only

# (email, name, language, is_staff)
PEOPLE = [
    ("admin@example.org", "Ada Beheer", "nl", True),
    ("facilitator@example.org", "Fatima El Amrani", "nl", False),
    ("researcher@example.org", "Ruben de Vries", "nl", False),
    # A second researcher: codes an interview blind, for the agreement between coders.
    ("researcher2@example.org", "Iris Bos", "nl", False),
    ("professional@example.org", "Priya Jansen", "nl", False),
    ("member@example.org", "Mark Visser", "en", False),
    ("student@example.org", "Sanne Bakker", "nl", False),
    ("client@example.org", "Kees Mulder", "nl", False),
    ("carer@example.org", "Carla de Boer", "nl", False),
    ("manager@example.org", "Maarten Smit", "nl", False),
    ("wijkteam1@example.org", "Joost Hendriks", "nl", False),
    ("wijkteam2@example.org", "Lotte Willems", "nl", False),
    ("wijkteam3@example.org", "Noah Peters", "nl", False),
    ("wijkteam4@example.org", "Emma van Dijk", "nl", False),
    ("facilitator2@example.org", "Hanneke Vos", "nl", False),
]

# slug: (name, theme, target group, organisations, start, end, cadence, target phase)
UNITS = {
    "eindhoven-ervaringsdeskundigheid": (
        "BPU Eindhoven: ervaringsdeskundigheid in de wijk",
        "Samenwerken met ervaringsdeskundigen in wijkgerichte zorg",
        "Bewoners met psychische kwetsbaarheid",
        ["Wijkteam Eindhoven Oost", "Hogeschool Zuid"],
        date(2025, 9, 1),
        date(2027, 6, 30),
        5,
        5,
    ),
    "tilburg-eenzaamheid": (
        "BPU Tilburg: eenzaamheid bij ouderen",
        "Eenzaamheid bij thuiswonende ouderen eerder herkennen en bespreekbaar maken",
        "Thuiswonende ouderen (75+)",
        ["Welzijn Tilburg", "Hogeschool Zuid"],
        date(2026, 3, 1),
        date(2027, 9, 30),
        6,
        3,
    ),
    "utrecht-mantelzorg": (
        "BPU Utrecht: mantelzorgers als partner",
        "Mantelzorgers als volwaardige partner in het ondersteuningsplan",
        "Mantelzorgers van mensen met dementie",
        ["Buurtteam Utrecht West"],
        date(2026, 10, 1),
        date(2028, 3, 31),
        4,
        1,
    ),
}

# Who is in which unit, in which role.
MEMBERSHIPS = {
    "eindhoven-ervaringsdeskundigheid": [
        ("facilitator@example.org", Role.FACILITATOR),
        ("researcher@example.org", Role.RESEARCHER),
        ("researcher2@example.org", Role.RESEARCHER),
        ("professional@example.org", Role.PROFESSIONAL),
        ("member@example.org", Role.PROFESSIONAL),
        ("student@example.org", Role.STUDENT),
        ("client@example.org", Role.SERVICE_USER),
        ("carer@example.org", Role.FAMILY_CARER),
        ("manager@example.org", Role.MANAGER),
        ("wijkteam1@example.org", Role.PROFESSIONAL),
        ("wijkteam2@example.org", Role.PROFESSIONAL),
    ],
    "tilburg-eenzaamheid": [
        ("facilitator@example.org", Role.FACILITATOR),
        ("researcher@example.org", Role.RESEARCHER),
        ("professional@example.org", Role.PROFESSIONAL),
        ("wijkteam3@example.org", Role.PROFESSIONAL),
        ("wijkteam4@example.org", Role.PROFESSIONAL),
        ("client@example.org", Role.SERVICE_USER),
        ("carer@example.org", Role.FAMILY_CARER),
        ("manager@example.org", Role.MANAGER),
    ],
    "utrecht-mantelzorg": [
        ("facilitator2@example.org", Role.FACILITATOR),
        ("researcher@example.org", Role.RESEARCHER),
        ("carer@example.org", Role.FAMILY_CARER),
        ("wijkteam1@example.org", Role.PROFESSIONAL),
    ],
}


@dataclass
class Demo:
    """What the seeders share: the people by e-mail, the units by slug, what they did."""

    people: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    programme: Programme | None = None
    target_phase: dict = field(default_factory=dict)
    log: list = field(default_factory=list)


def seed(demo: Demo) -> None:
    User = get_user_model()
    for email, name, language, is_staff in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                full_name=name,
                language=language,
                is_staff=is_staff,
                is_superuser=is_staff,
            )
            demo.log.append(f"person {email}")
        demo.people[email] = user

    demo.programme, created = Programme.objects.get_or_create(
        slug="wijkgericht-werken",
        defaults={
            "name": "Wijkgericht werken in Brabant en Utrecht",
            "field": "Sociaal werk in de wijk",
            "description": "Drie BPU's die wijkgerichte ondersteuning verbeteren.",
        },
    )
    if created:
        demo.log.append("programme wijkgericht-werken")

    creator = demo.people["facilitator@example.org"]
    for slug, (name, theme, target, orgs, start, end, cadence, phase) in UNITS.items():
        unit = Unit.objects.filter(slug=slug).first()
        if unit is None:
            unit = Unit.objects.create(
                slug=slug,
                name=name,
                theme=theme,
                target_group=target,
                programme=demo.programme,
                planned_start=start,
                planned_end=end,
                cadence_weeks=cadence,
                created_by=creator,
            )
            unit.organisations.set(
                [Organisation.objects.get_or_create(name=org)[0] for org in orgs]
            )
            demo.log.append(f"unit {slug}")
        demo.units[slug] = unit
        demo.target_phase[slug] = phase
        for email, role in MEMBERSHIPS[slug]:
            Membership.objects.get_or_create(
                unit=unit,
                user=demo.people[email],
                left_on=None,
                defaults={"role": role, "joined_on": start},
            )
    seed_sessions(demo)
    seed_invitations(demo)
    seed_consent(demo)
    seed_access_log(demo)


# People invited to the Utrecht unit: the professional from the neighbourhood team
# joined by invitation; two have not answered yet.
INVITED = [
    ("Samira Ouali", "samira.ouali@example.org", Role.PROFESSIONAL, False),
    ("Henk de Bruin", "henk.debruin@example.org", Role.FAMILY_CARER, False),
    ("", "wijkteam1@example.org", Role.PROFESSIONAL, True),
]


def seed_invitations(demo: Demo) -> None:
    unit = demo.units["utrecht-mantelzorg"]
    if unit.invitations.exists():
        return
    inviter = demo.people["facilitator2@example.org"]
    now = timezone.now()
    for name, email, role, accepted in INVITED:
        Invitation.objects.create(
            unit=unit,
            email=email,
            full_name=name or demo.people[email].full_name,
            role=role,
            invited_by=inviter,
            email_sent_at=now,
            accepted_at=now - timedelta(days=2) if accepted else None,
            accepted_by=demo.people[email] if accepted else None,
        )
    demo.log.append(f"invitations {unit.slug}: {len(INVITED)}")


# --- Sessions ------------------------------------------------------------------------

# Where each unit meets, and on which weekday (0 = Monday).
MEETING_PLACES = {
    "eindhoven-ervaringsdeskundigheid": ("Wijkcentrum De Kroon, Eindhoven", 1, time(14, 0)),
    "tilburg-eenzaamheid": ("Buurthuis De Poorten, Tilburg", 3, time(13, 30)),
    "utrecht-mantelzorg": ("Buurtteam Utrecht West, Kanaalstraat", 2, time(19, 0)),
}

AGENDA_OPENING = ("Opening en terugblik op de vorige bijeenkomst", 15)
AGENDA_CLOSING = ("Afspraken en afsluiting", 10)
# What a unit talks about in each phase (1-6).
AGENDA_BY_PHASE = {
    1: [
        ("Kennismaking en verwachtingen", 30),
        ("Ambitie en urgentie: wat moet er beter in de wijk?", 45),
    ],
    2: [
        ("Wie missen we nog aan tafel?", 30),
        ("Motivatie en verwachtingen van de deelnemers bespreken", 40),
    ],
    3: [
        ("Nulmeting: eerste uitkomsten van de vragenlijst", 45),
        ("Wat gaat goed, wat moet beter in onze huidige werkwijze?", 40),
    ],
    4: [
        ("Doelen scherp formuleren", 40),
        ("Plan van aanpak: concrete stappen en eigenaren", 45),
    ],
    5: [
        ("Praktijkexperimenten: ervaringen uit de afgelopen weken", 50),
        ("Intervisie op een casus", 40),
    ],
    6: [
        ("Eindmeting en wat we hebben geleerd", 45),
        ("Producten delen: werkwijze en handreiking", 40),
    ],
}
NOTES = [
    "Goede opkomst en een open gesprek. {name} vertelde over een bewoner die na lang aarzelen "
    "zelf contact zocht met het wijkteam; dat leverde veel herkenning op.",
    "We hebben stilgestaan bij wat ervaringsdeskundigheid toevoegt aan het eerste gesprek. "
    "{name} merkte op dat cliënten sneller open zijn als er iemand bij zit die het zelf kent.",
    "De mantelzorgers in de groep gaven aan dat ze vaak pas laat worden betrokken. {name} "
    "stelde voor om in het intakegesprek standaard naar het netwerk te vragen.",
    "Lastige bijeenkomst: weinig tijd en de casus was complex. We spraken af de volgende keer "
    "meer ruimte te nemen voor intervisie. {name} bereidt een casus voor.",
    "{name} presenteerde de eerste uitkomsten. De groep herkende het beeld, maar wil de cijfers "
    "naast de ervaringen van cliënten leggen voordat we conclusies trekken.",
]
DECISIONS = [
    "We proberen de komende weken het nieuwe gespreksformat uit bij minstens twee cliënten.",
    "Iedere deelnemer schrijft een korte reflectie op één praktijkexperiment.",
    "De onderzoeker stuurt een samenvatting van de metingen rond voor de volgende bijeenkomst.",
    "We nodigen de teamleider uit voor de tussenevaluatie.",
    "Het gespreksformat wordt aangepast op basis van de feedback van de mantelzorgers.",
]


def _phase_at(index: int, count: int, target: int) -> int:
    """Spread the phases a unit went through over its past sessions."""
    if count <= 1:
        return target
    return 1 + round((target - 1) * index / (count - 1))


def _attendance_for(rng, slug, membership, index, past_count) -> str:
    recent = index >= past_count - 3
    if slug == "eindhoven-ervaringsdeskundigheid" and membership.role == Role.STUDENT and recent:
        return Attendance.Status.ABSENT if index % 2 else Attendance.Status.EXCUSED
    if slug == "tilburg-eenzaamheid" and recent:
        # Attendance falling: fewer people at each of the last three sessions.
        chance = {0: 0.9, 1: 0.65, 2: 0.4}[index - (past_count - 3)]
    else:
        chance = 0.85
    if rng.random() < chance:
        return Attendance.Status.PRESENT
    return Attendance.Status.EXCUSED if rng.random() < 0.6 else Attendance.Status.ABSENT


def seed_sessions(demo: Demo) -> None:
    now = timezone.now()
    for slug, unit in demo.units.items():
        if unit.sessions.exists():
            continue
        place, weekday, at = MEETING_PLACES[slug]
        first = unit.planned_start + timedelta(days=(weekday - unit.planned_start.weekday()) % 7)
        days = series_dates(first=first, every_weeks=unit.cadence_weeks, until=unit.planned_end)
        starts = [local_datetime(day, at) for day in days]
        past_count = sum(1 for start in starts if start < now)
        target = demo.target_phase.get(slug, 1)
        rng = random.Random(slug)
        memberships = [
            m
            for m in Membership.objects.current().filter(unit=unit).select_related("user")
            if m.role != Role.MANAGER
        ]
        for index, start in enumerate(starts):
            past = start < now
            phase = _phase_at(index, past_count, target) if past else target
            session = Session.objects.create(
                unit=unit,
                starts_at=start,
                duration_minutes=120,
                location=place,
                phase=phase,
                reminder_sent_at=start - timedelta(days=2) if past else None,
            )
            if past or index == past_count:
                items = [AGENDA_OPENING, *AGENDA_BY_PHASE[phase], AGENDA_CLOSING]
                AgendaItem.objects.bulk_create(
                    AgendaItem(session=session, order=n, title=title, duration_minutes=minutes)
                    for n, (title, minutes) in enumerate(items, start=1)
                )
            if not past:
                if index == past_count:  # the next session: most have answered
                    Rsvp.objects.bulk_create(
                        Rsvp(session=session, user=m.user, answer=answer)
                        for m, answer in zip(memberships, RSVP_ANSWERS, strict=False)
                    )
                continue
            speaker = rng.choice(memberships).user.get_short_name() if memberships else ""
            session.notes = rng.choice(NOTES).format(name=speaker)
            session.decisions = rng.choice(DECISIONS)
            session.save(update_fields=["notes", "decisions"])
            Attendance.objects.bulk_create(
                Attendance(
                    session=session,
                    user=m.user,
                    status=_attendance_for(rng, slug, m, index, past_count),
                )
                for m in memberships
                if m.joined_on <= start.date()
            )
        last_past = unit.sessions.filter(starts_at__lt=now).order_by("-starts_at").first()
        if last_past is not None and memberships:
            session_attachment_add(
                session=last_past,
                actor=memberships[0].user,
                upload=ContentFile(demo_png(), name="flip-over-bijeenkomst.png"),
            )
        demo.log.append(f"sessions {slug}: {len(starts)}")


# --- Consent ---------------------------------------------------------------------------

# Who has not answered yet (they see the question), who answered on paper, who withdrew
# later, and the respondent codes researchers linked; everyone else gave consent online.
CONSENT_NOT_YET = {
    ("eindhoven-ervaringsdeskundigheid", "student@example.org"),
    ("eindhoven-ervaringsdeskundigheid", "member@example.org"),
}
CONSENT_ON_PAPER = {
    ("eindhoven-ervaringsdeskundigheid", "client@example.org"),
    ("tilburg-eenzaamheid", "client@example.org"),
}
CONSENT_WITHDRAWN = {("tilburg-eenzaamheid", "carer@example.org")}
RESPONDENT_CODES = {
    ("tilburg-eenzaamheid", "client@example.org"): "R001",
    ("tilburg-eenzaamheid", "carer@example.org"): "R002",
    ("eindhoven-ervaringsdeskundigheid", "client@example.org"): "R001",
}


def seed_consent(demo: Demo) -> None:
    for slug, unit in demo.units.items():
        if ConsentText.objects.filter(unit=unit).exists():
            continue
        facilitator = Membership.objects.current().filter(unit=unit, role=Role.FACILITATOR).first()
        published = timezone.make_aware(
            datetime.combine(unit.planned_start, time(10)), timezone.get_current_timezone()
        )
        text = ConsentText.objects.create(
            unit=unit,
            version=1,
            text_nl=DEFAULT_TEXT_NL,
            text_en=DEFAULT_TEXT_EN,
            published_at=published,
            published_by=facilitator.user if facilitator else None,
        )
        for n, m in enumerate(
            Membership.objects.current().filter(unit=unit).select_related("user")
        ):
            key = (slug, m.user.email)
            if key in RESPONDENT_CODES:
                m.respondent_code = RESPONDENT_CODES[key]
                m.save(update_fields=["respondent_code"])
            if key in CONSENT_NOT_YET:
                continue
            paper = key in CONSENT_ON_PAPER
            given_at = published + timedelta(days=1 + n)
            ConsentRecord.objects.create(
                membership=m,
                user=m.user,
                consent_text=text,
                decision=ConsentRecord.Decision.GIVEN,
                method=ConsentRecord.Method.PAPER if paper else ConsentRecord.Method.ONLINE,
                recorded_at=given_at,
                recorded_by=facilitator.user if paper and facilitator else m.user,
            )
            if key in CONSENT_WITHDRAWN:
                ConsentRecord.objects.create(
                    membership=m,
                    user=m.user,
                    consent_text=text,
                    decision=ConsentRecord.Decision.WITHDRAWN,
                    method=ConsentRecord.Method.ONLINE,
                    recorded_at=timezone.now() - timedelta(days=12),
                    recorded_by=m.user,
                )
        demo.log.append(f"consent {slug}: version 1")


# --- The access log ------------------------------------------------------------------

# How many of each unit's last sessions have their attendance in the demo's access log.
ACCESS_LOG_SESSIONS = 4


def seed_access_log(demo: Demo) -> None:
    """What the log would hold had the last sessions been run in the application: the
    facilitator recorded the attendance after the session and looked at it again a few
    days later; the researcher opened the session page the week after."""
    if AccessLog.objects.exists():
        return
    now = timezone.now()
    entries = []
    for unit in demo.units.values():
        staff = {
            m.role: m
            for m in Membership.objects.current()
            .filter(unit=unit, role__in=[Role.FACILITATOR, Role.RESEARCHER])
            .select_related("user")
        }
        sessions = unit.sessions.filter(starts_at__lt=now).order_by("-starts_at")
        for session in sessions[:ACCESS_LOG_SESSIONS]:
            for attendance in session.attendances.all():
                for membership, action, after in (
                    (staff.get(Role.FACILITATOR), AccessAction.CREATED, timedelta(hours=2)),
                    (staff.get(Role.FACILITATOR), AccessAction.VIEWED, timedelta(days=3)),
                    (staff.get(Role.RESEARCHER), AccessAction.VIEWED, timedelta(days=7)),
                ):
                    if membership is None or membership.user_id == attendance.user_id:
                        continue
                    entries.append(
                        AccessLog(
                            at=min(session.starts_at + after, now),
                            user=membership.user,
                            role=acting_role(membership.user, membership),
                            unit=unit,
                            person_id=attendance.user_id,
                            kind=DataKind.ATTENDANCE,
                            object_id=attendance.pk,
                            action=action,
                        )
                    )
    AccessLog.objects.bulk_create(entries)
    demo.log.append(f"access log: {len(entries)} entries")
