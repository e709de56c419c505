"""Demo content of the phases: each demo unit is moved to its target phase through
the transition service (with dates that follow its sessions), with what belongs to
the phases it went through. Running it twice changes nothing."""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db.models import Min
from django.utils import timezone

from units.choices import Phase
from units.files import demo_png
from units.models import Membership, Unit

from . import services
from .choices import KnowledgeSource
from .criteria import unmet_criteria
from .models import BaselineItem, Experiment, ExperimentComment, Goal, PlanVersion

E = KnowledgeSource.EXPERIENTIAL
P = KnowledgeSource.PROFESSIONAL
S = KnowledgeSource.SCIENTIFIC

DESIGNS = {
    "eindhoven-ervaringsdeskundigheid": {
        "ambition": (
            "Ervaringsdeskundigen zijn vanaf het eerste gesprek volwaardig onderdeel van het "
            "wijkteam, zodat bewoners met psychische kwetsbaarheid zich eerder gehoord voelen."
        ),
        "urgency": (
            "Bewoners haken af na het eerste contact; ervaringsdeskundigen worden nu pas "
            "ingezet als het al misgaat."
        ),
        "duration_months": 22,
        "cadence_weeks": 5,
        "research_design": (
            "Nulmeting, tussenmeting en eindmeting met de vragenlijst 'ervaren steun' bij "
            "cliënten en professionals; interviews en logboeken van praktijkexperimenten."
        ),
        "management_support": "Teamleider wijkteam Oost en de lector van Hogeschool Zuid.",
        "mandate_hours_per_month": 8,
        "permission_to_experiment": True,
    },
    "tilburg-eenzaamheid": {
        "ambition": (
            "Eenzaamheid bij thuiswonende ouderen wordt bij het eerste huisbezoek herkend en "
            "bespreekbaar gemaakt, in plaats van pas bij een crisis."
        ),
        "urgency": (
            "Een op de twee 75-plussers in de wijk voelt zich eenzaam; de helft daarvan is niet "
            "in beeld bij het welzijnswerk."
        ),
        "duration_months": 18,
        "cadence_weeks": 6,
        "research_design": (
            "De Jong Gierveld-schaal bij de nulmeting en de eindmeting; observaties van "
            "huisbezoeken en focusgroepen met ouderen."
        ),
        "management_support": "Directeur Welzijn Tilburg; afspraak over vrijgestelde uren.",
        "mandate_hours_per_month": 6,
        "permission_to_experiment": True,
    },
    "utrecht-mantelzorg": {
        "ambition": (
            "Mantelzorgers van mensen met dementie schrijven mee aan het ondersteuningsplan en "
            "worden als partner behandeld, niet als informant."
        ),
        "urgency": "Mantelzorgers raken overbelast en voelen zich niet gehoord door het buurtteam.",
        "duration_months": None,
        "cadence_weeks": 4,
        "research_design": "",
        "management_support": "In gesprek met de coördinator van het buurtteam.",
        "mandate_hours_per_month": None,
        "permission_to_experiment": False,
    },
}

BASELINE = {
    "eindhoven-ervaringsdeskundigheid": [
        ("strength", "Ervaringsdeskundigen kennen de wijk en worden door bewoners vertrouwd.", E),
        ("strength", "Het wijkteam is gewend om casussen samen te bespreken.", P),
        (
            "improvement",
            "Ervaringsdeskundigen worden pas ingeschakeld als een traject vastloopt.",
            P,
        ),
        (
            "improvement",
            "Er is geen gedeelde taal over wat ervaringskennis toevoegt aan het eerste gesprek.",
            S,
        ),
        ("improvement", "Cliënten weten niet dat ze om een ervaringsdeskundige kunnen vragen.", E),
    ],
    "tilburg-eenzaamheid": [
        ("strength", "Vrijwilligers komen al wekelijks bij veel ouderen thuis.", P),
        ("strength", "Ouderen waarderen het persoonlijke contact met de ouderenadviseur.", E),
        (
            "improvement",
            "Eenzaamheid komt in het huisbezoek alleen ter sprake als de oudere er zelf over"
            " begint.",
            P,
        ),
        (
            "improvement",
            "Onderzoek laat zien dat een directe vraag ('bent u eenzaam?') schaamte oproept.",
            S,
        ),
    ],
}

# Phase 2: why people joined and what they expect (only filled in where still empty).
MOTIVATIONS = {
    "professional@example.org": (
        "Ik zie bewoners afhaken na het eerste gesprek en wil weten wat ervaringsdeskundigen "
        "daaraan kunnen veranderen.",
        "Concrete werkwijzen die ik morgen kan gebruiken, en tijd om ze uit te proberen.",
    ),
    "client@example.org": (
        "Ik weet hoe het is om niet gehoord te worden. Dat wil ik voor anderen voorkomen.",
        "Dat mijn ervaring even zwaar telt als de kennis van de professionals.",
    ),
    "carer@example.org": (
        "Als mantelzorger word ik vaak pas laat betrokken; ik wil laten zien wat naasten weten.",
        "Een plek aan tafel, ook als het over lastige beslissingen gaat.",
    ),
    "wijkteam3@example.org": (
        "Bij huisbezoeken voel ik vaak dat er meer speelt dan de vraag waarvoor ik kom.",
        "Handvatten om eenzaamheid bespreekbaar te maken zonder dat het beladen wordt.",
    ),
    "wijkteam4@example.org": (
        "Ik wil samen met collega's leren in plaats van alleen cursussen te volgen.",
        "Regelmatig samenkomen en eerlijke feedback op wat ik uitprobeer.",
    ),
}

# goal text, target, [(what, owner e-mail, due in days from v1, status)]
GOALS = [
    (
        "In elk eerste gesprek met een nieuwe bewoner zit een ervaringsdeskundige aan tafel.",
        "ervaren_steun",
        [
            (
                "Afspraken maken met de planners over het inroosteren",
                "wijkteam1@example.org",
                30,
                "done",
            ),
            (
                "Gespreksleidraad voor het eerste gesprek uitproberen",
                "professional@example.org",
                60,
                "done",
            ),
            (
                "Evalueren met vijf bewoners hoe het eerste gesprek voelde",
                "client@example.org",
                120,
                "in_progress",
            ),
        ],
    ),
    (
        "Professionals en ervaringsdeskundigen spreken een gedeelde taal over ervaringskennis.",
        "",
        [
            (
                "Intervisie over drie casussen met ervaringsdeskundige inbreng",
                "facilitator@example.org",
                90,
                "done",
            ),
            (
                "Literatuur over ervaringskennis samenvatten voor de groep",
                "student@example.org",
                45,
                "done",
            ),
        ],
    ),
]
# Added after the intermediary report (version 2).
GOAL_V2 = (
    "Mantelzorgers worden actief betrokken bij het eerste gesprek.",
    "betrokkenheid_naasten",
    [
        ("Mantelzorgers uitnodigen voor het eerste gesprek", "carer@example.org", -14, "open"),
        ("Vragenlijst voor naasten aanpassen", "researcher@example.org", 40, "open"),
    ],
)
V2_REASON = (
    "Uit de tussenmeting blijkt dat bewoners zich beter gehoord voelen, maar dat naasten "
    "nauwelijks betrokken worden. We voegen een doel toe over mantelzorgers en stoppen met "
    "het evalueren via een aparte bijeenkomst: dat doen we nu in het gesprek zelf."
)

# author e-mail, days ago, title, situation, tried, happened, learned, next, sources, shared
EXPERIMENTS = [
    (
        "professional@example.org",
        70,
        "Eerste gesprek samen met Kees",
        "Een bewoner met angstklachten had twee afspraken afgezegd.",
        "Kees belde hem vooraf en vertelde kort over zijn eigen ervaring met de GGZ.",
        "De bewoner kwam wel, en vroeg aan het eind of Kees er de volgende keer weer bij is.",
        "Het telefoontje vooraf verlaagt de drempel meer dan het gesprek zelf.",
        "Bij de volgende twee nieuwe bewoners ook vooraf laten bellen.",
        [E, P],
        True,
    ),
    (
        "client@example.org",
        55,
        "Mijn verhaal vertellen: hoeveel is genoeg?",
        "In een eerste gesprek vertelde ik uitgebreid over mijn eigen opname.",
        "De keer erna heb ik het bij twee zinnen gehouden en vooral vragen gesteld.",
        "De bewoner nam meer ruimte voor haar eigen verhaal.",
        "Mijn ervaring is een opening, niet het onderwerp van het gesprek.",
        "Met Priya afspreken wie wanneer het woord neemt.",
        [E],
        True,
    ),
    (
        "wijkteam1@example.org",
        40,
        "Gespreksleidraad in de praktijk",
        "Huisbezoek bij een gezin met schulden en psychische problemen.",
        "De nieuwe leidraad gebruikt, met de vraag 'wat heeft u eerder geholpen?'.",
        "Het gesprek ging minder over formulieren en meer over wat de ouders zelf al proberen.",
        "De leidraad werkt, maar vraag vier is te lang.",
        "Vraag vier inkorten en voorleggen in de volgende bijeenkomst.",
        [P, S],
        True,
    ),
    (
        "student@example.org",
        25,
        "Observatie: wie praat er in het eerste gesprek?",
        "Ik heb drie eerste gesprekken geobserveerd.",
        "Turven wie hoeveel aan het woord is.",
        "De professional praat ruim de helft van de tijd, de ervaringsdeskundige een tiende.",
        "Rolverdeling vooraf bespreken helpt, anders valt iedereen terug in de oude routine.",
        "Resultaten delen met Ruben voor de tussenmeting.",
        [S],
        True,
    ),
    (
        "member@example.org",
        12,
        "Naasten uitnodigen",
        "Een bewoner wilde graag dat zijn zus bij het gesprek was.",
        "De zus uitgenodigd en haar gevraagd wat zij nodig heeft.",
        "Ze bleek al maanden de administratie te doen zonder dat wij dat wisten.",
        "Naasten weten dingen die wij nooit horen; dit moet standaard worden.",
        "In het plan opnemen en bespreken met Carla.",
        [E, P],
        True,
    ),
    (
        "wijkteam2@example.org",
        5,
        "Twijfel over de rol van de ervaringsdeskundige",
        "Een bewoner reageerde afwijzend op de ervaringsdeskundige.",
        "Nog niets: eerst mijn eigen twijfels op een rij zetten.",
        "",
        "",
        "",
        [P],
        False,
    ),
]
COMMENTS = [
    (0, "carer@example.org", "Herkenbaar. Bij mijn moeder werkte een belletje vooraf ook beter."),
    (0, "facilitator@example.org", "Mooi voorbeeld. Neem je dit mee naar de bijeenkomst?"),
    (1, "professional@example.org", "Goed om te horen; laten we dat vooraf afstemmen."),
    (2, "researcher@example.org", "Kun je noteren bij hoeveel gesprekken je de leidraad gebruikt?"),
    (3, "facilitator@example.org", "Confronterend en nuttig. Dit bespreken we in de intervisie."),
    (4, "carer@example.org", "Precies dit is waarom mantelzorgers erbij moeten zijn."),
]


def _transition_time(unit, phase: int, target: int):
    """When the unit entered ``phase``: the day before its first session in that phase."""
    first = unit.sessions.filter(phase=phase).aggregate(first=Min("starts_at"))["first"]
    if first is not None:
        return first - timedelta(days=1)
    start = datetime.combine(
        unit.planned_start, time(12, 0), tzinfo=timezone.get_current_timezone()
    )
    span = max(timezone.now() - start, timedelta(days=7 * target))
    return start + span * (phase - 1) / max(target, 1)


def _at(days_ago: int):
    return timezone.now() - timedelta(days=days_ago)


def _seed_design(demo, slug, unit, facilitator):
    if hasattr(unit, "design") or slug not in DESIGNS:
        return
    services.project_design_save(unit=unit, actor=facilitator, **DESIGNS[slug])
    demo.log.append(f"project design {slug}")


def _seed_motivations(demo, slug, unit):
    for email, (motivation, expectations) in MOTIVATIONS.items():
        updated = (
            Membership.objects.current()
            .filter(unit=unit, user=demo.people[email], motivation="", expectations="")
            .update(motivation=motivation, expectations=expectations)
        )
        if updated:
            demo.log.append(f"motivation {slug} {email}")


def _seed_baseline(demo, slug, unit, facilitator):
    if slug not in BASELINE or BaselineItem.objects.filter(unit=unit).exists():
        return
    for kind, text, source in BASELINE[slug]:
        services.baseline_item_create(
            unit=unit, actor=facilitator, kind=kind, text=text, knowledge_source=source
        )
    demo.log.append(f"baseline {slug}")


# The kinds of knowledge a goal or step draws on, with a reference where there is one
# (by the first words of its text).
KNOWLEDGE = {
    "In elk eerste gesprek": (["experiential", "professional"], ""),
    "Professionals en ervaringsdeskundigen": (
        ["experiential", "scientific"],
        "Weerman (2016), Ervaringsdeskundige zorg- en dienstverlening",
    ),
    "Gespreksleidraad": (["professional"], "Gespreksleidraad wijkteam Eindhoven Oost"),
    "Evalueren met vijf bewoners": (["experiential"], "Ervaringsdeskundige in het wijkteam"),
    "Literatuur over ervaringskennis": (["scientific"], "Karbouniaris (2023), proefschrift"),
}


def _knowledge(text: str) -> dict:
    for start, (sources, reference) in KNOWLEDGE.items():
        if text.startswith(start):
            return {"knowledge_sources": sources, "knowledge_reference": reference}
    return {}


def _add_goal(demo, unit, goal_spec, base_date):
    text, target, steps = goal_spec
    goal = services.goal_create(unit=unit, text=text, target=target, **_knowledge(text))
    for what, email, due_days, status in steps:
        services.action_step_create(
            goal=goal,
            what=what,
            owner=demo.people[email],
            due_date=base_date + timedelta(days=due_days),
            status=status,
            **_knowledge(what),
        )
    return goal


def _seed_plan(demo, slug, unit, facilitator, v1_at):
    if slug != "eindhoven-ervaringsdeskundigheid" or Goal.objects.filter(unit=unit).exists():
        return
    for spec in GOALS:
        _add_goal(demo, unit, spec, v1_at.date())
    services.plan_approve(unit=unit, actor=facilitator, at=v1_at)
    demo.log.append(f"plan v1 {slug}")


def _seed_plan_v2(demo, slug, unit, facilitator):
    if slug != "eindhoven-ervaringsdeskundigheid":
        return
    if PlanVersion.objects.filter(unit=unit, number__gte=2).exists():
        return
    _add_goal(demo, unit, GOAL_V2, timezone.localdate())
    services.plan_approve(unit=unit, actor=facilitator, reason=V2_REASON, at=_at(20))
    demo.log.append(f"plan v2 {slug}")


def _seed_experiments(demo, slug, unit):
    if slug != "eindhoven-ervaringsdeskundigheid" or unit.experiments.exists():
        return
    goals = list(Goal.objects.filter(unit=unit))
    created = []
    for i, (email, days, title, sit, tried, happened, learned, nxt, sources, shared) in enumerate(
        EXPERIMENTS
    ):
        experiment = services.experiment_create(
            unit=unit,
            author=demo.people[email],
            title=title,
            date=timezone.localdate() - timedelta(days=days),
            goal=goals[i % len(goals)] if goals else None,
            situation=sit,
            tried=tried,
            happened=happened,
            learned=learned,
            next_steps=nxt,
            knowledge_sources=sources,
            visibility=Experiment.Visibility.SHARED if shared else Experiment.Visibility.DRAFT,
        )
        Experiment.objects.filter(pk=experiment.pk).update(created_at=_at(days))
        created.append((experiment, days))
    # A photo of the flip-over with the first shared experiment.
    first_shared = next(e for e, _days in created if e.is_shared)
    services.experiment_attachment_add(
        experiment=first_shared,
        actor=first_shared.author,
        upload=ContentFile(demo_png(), name="flip-over-huisbezoek.png"),
    )
    for index, email, text in COMMENTS:
        experiment, days = created[index]
        comment = services.experiment_comment_create(
            experiment=experiment, author=demo.people[email], text=text
        )
        ExperimentComment.objects.filter(pk=comment.pk).update(created_at=_at(max(days - 2, 0)))
    demo.log.append(f"experiments {slug}: {len(created)}")


def _seed_dissemination(demo, slug, unit, facilitator):
    """Something to show (and correct) under dissemination: told about while still running."""
    if slug != "eindhoven-ervaringsdeskundigheid" or unit.disseminations.exists():
        return
    product = services.product_create(
        unit=unit,
        actor=facilitator,
        kind="other",
        title="Handout: ervaringsdeskundigheid in het keukentafelgesprek",
        description="Twee kantjes met wat werkt, uit de eerste praktijkexperimenten.",
    )
    services.dissemination_create(
        unit=unit,
        what="Presentatie in het teamoverleg van de wijkteams",
        date=timezone.localdate() - timedelta(days=20),
        audience="Wijkteams Eindhoven-Zuid",
        reach=35,
        product=product,
    )
    demo.log.append(f"dissemination {slug}: 1")


def seed(demo):
    for slug, unit in demo.units.items():
        unit.refresh_from_db()
        target = demo.target_phase.get(slug, Phase.AMBITION)
        facilitator = next(
            (
                demo.people[e]
                for e in ("facilitator@example.org", "facilitator2@example.org")
                if unit.memberships.filter(user=demo.people[e], role="facilitator").exists()
            ),
            None,
        )
        if facilitator is None:
            continue
        _seed_design(demo, slug, unit, facilitator)
        if target >= Phase.SELECTION:
            _seed_motivations(demo, slug, unit)
        if target >= Phase.BASELINE:
            _seed_baseline(demo, slug, unit, facilitator)
        if target >= Phase.REALIZATION:
            _seed_plan(
                demo,
                slug,
                unit,
                facilitator,
                _transition_time(unit, Phase.REALIZATION, target) - timedelta(days=3),
            )
        while unit.phase < target:
            at = _transition_time(unit, unit.phase + 1, target)
            if unit.phase == Phase.AMBITION:
                # The unit existed before it left its first phase.
                start = datetime.combine(
                    unit.planned_start, time(9, 0), tzinfo=timezone.get_current_timezone()
                )
                Unit.objects.filter(pk=unit.pk, created_at__gt=at).update(
                    created_at=min(start, at - timedelta(weeks=4))
                )
            unmet = unmet_criteria(unit)
            services.phase_advance(
                unit=unit,
                actor=facilitator,
                at=at,
                justification=(
                    "Besproken in de bijeenkomst; wat nog ontbreekt volgt in de volgende fase."
                    if unmet
                    else ""
                ),
            )
            demo.log.append(f"{slug}: phase {unit.phase}")
        if target >= Phase.REALIZATION:
            _seed_plan_v2(demo, slug, unit, facilitator)
            _seed_experiments(demo, slug, unit)
            _seed_dissemination(demo, slug, unit, facilitator)
