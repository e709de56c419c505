"""Demo data of the evidence chain (issue 18): knowledge sources on the coded passages,
goals linked to measures, the programme's factors (one with the researcher's own answer),
and one interview coded blind by a second researcher, compared and agreed.

Called from ``research.demo.seed`` after the coding. Idempotent.
"""

from django.contrib.contenttypes.models import ContentType

from phases.models import Goal

from .agreement import segments
from .models import (
    CodedFragment,
    CodingComparison,
    GoalMeasure,
    Material,
    Measure,
    ProgrammeFactor,
    Theme,
)
from .services.agreement import agreed_coding_save, comparison_start, second_coding_save
from .services.evidence import factor_create, factor_override

# Which measures the demo goals aim at (by the first words of the goal).
GOAL_MEASURES = {
    "In elk eerste gesprek": ["mansa", "netwerk"],
    "Professionals en ervaringsdeskundigen": ["gse"],
}
# Knowledge voiced by passages of each kind of material.
MATERIAL_SOURCES = {
    Material.Kind.INTERVIEW: ["experiential"],
    Material.Kind.FOCUS_GROUP: ["professional"],
    Material.Kind.OBSERVATION: ["professional"],
}
# (factor name, description, [theme names]); themes are found by name in the programme.
FACTORS = [
    (
        "Vertrouwen tussen bewoner en professional",
        "De bewoner voelt zich serieus genomen en durft meer te vertellen.",
        ["Vertrouwen tussen bewoner en professional"],
    ),
    ("Tijd voor het gesprek", "Ruimte om zonder haast door te vragen.", ["Tijd voor het gesprek"]),
    (
        "Inzet van ervaringsdeskundigen",
        "Wat een ervaringsdeskundige toevoegt in het contact.",
        ["Inzet van ervaringsdeskundigen"],
    ),
    (
        "Signalering via de huisarts",
        "Eenzaamheid komt in beeld via de praktijkondersteuner.",
        ["Signalering via de huisarts"],
    ),
    ("Mantelzorger als partner", "", ["Mantelzorger als partner"]),
]
OVERRIDE = (
    "Signalering via de huisarts",
    ProgrammeFactor.Occurrence.SOME,
    "In Eindhoven kwam de huisarts in de intervisie ook ter sprake; dat is nog niet gecodeerd.",
)
BLIND = ("eindhoven-ervaringsdeskundigheid", "Interview deelnemer R07 (nulmeting)")


def seed_evidence(demo) -> None:
    _knowledge_of_passages(demo)
    _goal_measures(demo)
    if demo.programme is not None:
        _factors(demo)
    _blind_coding(demo)


def _knowledge_of_passages(demo) -> None:
    material_type = ContentType.objects.get_for_model(Material)
    for unit in demo.units.values():
        kinds = dict(Material.objects.filter(unit=unit).values_list("pk", "kind"))
        for fragment in CodedFragment.objects.filter(
            unit=unit, content_type=material_type, knowledge_sources=[]
        ):
            sources = MATERIAL_SOURCES.get(kinds.get(fragment.object_id), [])
            if sources:
                fragment.knowledge_sources = sources
                fragment.save(update_fields=["knowledge_sources"])


def _goal_measures(demo) -> None:
    for unit in demo.units.values():
        measures = {m.code: m for m in Measure.objects.filter(unit=unit)}
        for goal in Goal.objects.filter(unit=unit):
            for start, codes in GOAL_MEASURES.items():
                if goal.text.startswith(start):
                    for code in codes:
                        if code in measures:
                            GoalMeasure.objects.get_or_create(goal=goal, measure=measures[code])


def _factors(demo) -> None:
    programme = demo.programme
    themes = {
        t.name: t
        for t in Theme.objects.filter(unit__programme=programme)
        | Theme.objects.filter(programme=programme)
    }
    for name, description, theme_names in FACTORS:
        if ProgrammeFactor.objects.filter(programme=programme, name=name).exists():
            continue
        linked = [themes[n] for n in theme_names if n in themes]
        if linked:
            factor_create(programme=programme, name=name, description=description, themes=linked)
            demo.log.append(f"factor {name}")
    name, occurrence, reason = OVERRIDE
    factor = ProgrammeFactor.objects.filter(programme=programme, name=name, override="").first()
    if factor is not None:
        factor_override(
            factor=factor,
            occurrence=occurrence,
            reason=reason,
            actor=demo.people.get("researcher@example.org"),
        )


def _blind_coding(demo) -> None:
    slug, title = BLIND
    unit = demo.units.get(slug)
    second = demo.people.get("researcher2@example.org")
    material = Material.objects.filter(unit=unit, title=title).first() if unit else None
    if material is None or second is None:
        return
    if CodingComparison.objects.filter(material=material, second_coder=second).exists():
        return
    themes = {t.name: t for t in Theme.objects.filter(unit=unit)} | {
        t.name: t for t in Theme.objects.filter(programme=unit.programme_id)
    }
    trust = themes.get("Vertrouwen tussen bewoner en professional")
    peers = themes.get("Inzet van ervaringsdeskundigen")
    time = themes.get("Tijd voor het gesprek")
    if not (trust and peers and time):
        return
    n = len(segments(material.text))
    # The second coder agrees on paragraphs 1 and 3, sees trust in paragraph 2 as well.
    codes = {0: [peers, trust], 1: [trust], 2: [time]}
    comparison = comparison_start(material=material, second_coder=second)
    second_coding_save(
        comparison=comparison,
        actor=second,
        codes={i: t for i, t in codes.items() if i < n},
        submit=True,
    )
    agreed_coding_save(
        comparison=comparison,
        actor=demo.people.get("researcher@example.org"),
        codes={i: t for i, t in {0: [peers, trust], 1: [], 2: [time]}.items() if i < n},
    )
    demo.log.append(f"blind coding of {title}")
