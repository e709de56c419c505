"""Demo data for units: a programme of three units in one field, people in every role.

Each app has a ``demo.py`` with a ``seed(demo)`` function; ``seed_demo`` calls
them in order. Every seeder checks before it creates, so running it twice
changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model

from .models import Membership, Organisation, Programme, Role, Unit

DEMO_PASSWORD = "demo-bpu-2026"  # noqa: S105 - printed on purpose: demo accounts only

# (email, name, language, is_staff)
PEOPLE = [
    ("admin@example.org", "Ada Beheer", "nl", True),
    ("facilitator@example.org", "Fatima El Amrani", "nl", False),
    ("researcher@example.org", "Ruben de Vries", "nl", False),
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
