"""Demo data for qualitative coding: interview and focus group notes per unit, the
programme's and the units' themes, and coded passages.

Called from ``research.demo.seed``. Idempotent: materials are found by unit and
title, themes by name, passages by source and offsets.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType

from .models import CodedFragment, Material, Theme

# Themes shared by the programme: (name, description, factor).
PROGRAMME_THEMES = [
    (
        "Vertrouwen tussen bewoner en professional",
        "De bewoner voelt zich serieus genomen en durft meer te vertellen.",
        Theme.Factor.COMMON,
    ),
    (
        "Tijd voor het gesprek",
        "Ruimte in de agenda om zonder haast door te vragen.",
        Theme.Factor.COMMON,
    ),
]

# Per unit: themes of its own, and materials with the passages to code
# (passage, [theme names]).
UNIT_MATERIAL = {
    "eindhoven-ervaringsdeskundigheid": {
        "themes": [
            (
                "Inzet van ervaringsdeskundigen",
                "Wat een ervaringsdeskundige toevoegt in het contact.",
                Theme.Factor.CONTEXTUAL,
            ),
        ],
        "materials": [
            (
                Material.Kind.INTERVIEW,
                "Interview deelnemer R07 (nulmeting)",
                date(2025, 10, 14),
                "R07 vertelt dat ze eerder steeds een ander gezicht zag bij het wijkteam. "
                "Sinds de ervaringsdeskundige meegaat op huisbezoek durft ze meer te vertellen.\n"
                "Ze noemt het verschil: 'Zij weet hoe het is om niet uit je bed te komen.'\n"
                "Wel merkt ze dat de gesprekken soms kort zijn omdat de professional door moet "
                "naar de volgende afspraak.",
                [
                    (
                        "Sinds de ervaringsdeskundige meegaat op huisbezoek durft ze meer te "
                        "vertellen.",
                        [
                            "Inzet van ervaringsdeskundigen",
                            "Vertrouwen tussen bewoner en professional",
                        ],
                    ),
                    (
                        "de gesprekken soms kort zijn omdat de professional door moet naar de "
                        "volgende afspraak",
                        ["Tijd voor het gesprek"],
                    ),
                ],
            ),
            (
                Material.Kind.FOCUS_GROUP,
                "Focusgroep professionals, maart",
                date(2026, 3, 10),
                "De professionals zijn het erover eens dat de samenwerking met de "
                "ervaringsdeskundige het eerste contact makkelijker maakt.\n"
                "Een wijkverpleegkundige: 'Als ik een half uur extra heb, komt het echte "
                "verhaal pas op tafel.'\n"
                "Er is onduidelijkheid over wie de ervaringsdeskundige betaalt.",
                [
                    (
                        "Als ik een half uur extra heb, komt het echte verhaal pas op tafel.",
                        ["Tijd voor het gesprek"],
                    ),
                    (
                        "Er is onduidelijkheid over wie de ervaringsdeskundige betaalt.",
                        ["Financiering van de inzet"],
                    ),
                ],
            ),
        ],
    },
    "tilburg-eenzaamheid": {
        "themes": [
            (
                "Signalering via de huisarts",
                "Eenzaamheid komt in beeld via de praktijkondersteuner.",
                Theme.Factor.CONTEXTUAL,
            ),
        ],
        "materials": [
            (
                Material.Kind.INTERVIEW,
                "Interview mantelzorger M03",
                date(2026, 4, 2),
                "M03 zorgt voor haar vader van 84. Ze vertelt dat de praktijkondersteuner "
                "van de huisarts als eerste vroeg hoe het met haar vader ging, los van zijn "
                "medicijnen.\n"
                "Haar vader vertrouwt de welzijnswerker inmiddels: 'Ze komt terug als ze dat "
                "zegt.'",
                [
                    (
                        "de praktijkondersteuner van de huisarts als eerste vroeg hoe het met "
                        "haar vader ging",
                        ["Signalering via de huisarts"],
                    ),
                    (
                        "Haar vader vertrouwt de welzijnswerker inmiddels",
                        ["Vertrouwen tussen bewoner en professional"],
                    ),
                ],
            ),
            (
                Material.Kind.OBSERVATION,
                "Observatie koffieochtend buurthuis",
                date(2026, 5, 20),
                "Tijdens de koffieochtend neemt de welzijnswerker de tijd voor twee nieuwe "
                "bezoekers en loopt zij niet weg voor de volgende taak.\n"
                "Een bezoeker zegt dat hij voor het eerst in weken met iemand heeft gepraat.",
                [
                    (
                        "neemt de welzijnswerker de tijd voor twee nieuwe bezoekers",
                        ["Tijd voor het gesprek"],
                    ),
                ],
            ),
        ],
    },
    "utrecht-mantelzorg": {
        "themes": [],
        "materials": [
            (
                Material.Kind.INTERVIEW,
                "Interview mantelzorger U01 (nulmeting)",
                date(2026, 10, 20),
                "U01 voelt zich bij het opstellen van het ondersteuningsplan vaak een "
                "toeschouwer. 'Ze praten over mijn man, niet met mij.'\n"
                "Bij de casemanager dementie is dat anders: zij belt terug en neemt de tijd.",
                [
                    ("'Ze praten over mijn man, niet met mij.'", ["Mantelzorger als partner"]),
                    (
                        "zij belt terug en neemt de tijd",
                        ["Vertrouwen tussen bewoner en professional", "Tijd voor het gesprek"],
                    ),
                ],
            ),
        ],
    },
}


# Passages in the units' session notes and shared practice experiments (from the
# units and phases demo), coded with the programme's themes so that the story of
# common and contextual factors above stays as it is: (model, field, passage, themes).
OTHER_SOURCES = [
    ("units.Session", "notes", "meer ruimte te nemen voor intervisie", ["Tijd voor het gesprek"]),
    (
        "units.Session",
        "notes",
        "cliënten sneller open zijn als er iemand bij zit die het zelf kent",
        ["Vertrouwen tussen bewoner en professional"],
    ),
    (
        "phases.Experiment",
        "learned",
        "Het telefoontje vooraf verlaagt de drempel meer dan het gesprek zelf.",
        ["Vertrouwen tussen bewoner en professional"],
    ),
]


def seed_coding(demo) -> None:
    """Themes, materials and coded passages for the demo units."""
    researcher = demo.people.get("researcher@example.org")
    programme = demo.programme
    programme_themes = {}
    if programme is not None:
        for name, description, factor in PROGRAMME_THEMES:
            theme, created = Theme.objects.get_or_create(
                programme=programme,
                name=name,
                defaults={"description": description, "factor": factor},
            )
            if created:
                demo.log.append(f"theme {name}")
            programme_themes[name] = theme
    material_type = ContentType.objects.get_for_model(Material)

    for slug, spec in UNIT_MATERIAL.items():
        unit = demo.units.get(slug)
        if unit is None:
            continue
        themes = dict(programme_themes)
        for name, description, factor in spec["themes"]:
            themes[name], created = Theme.objects.get_or_create(
                unit=unit, name=name, defaults={"description": description, "factor": factor}
            )
            if created:
                demo.log.append(f"theme {name}")
        for kind, title, when, text, passages in spec["materials"]:
            material = Material.objects.filter(unit=unit, title=title).first()
            if material is None:
                material = Material.objects.create(
                    unit=unit, kind=kind, title=title, date=when, text=text, created_by=researcher
                )
                demo.log.append(f"material {title}")
            for passage, theme_names in passages:
                start = material.text.find(passage)
                if start < 0:
                    continue
                end = start + len(passage)
                fragment, created = CodedFragment.objects.get_or_create(
                    unit=unit,
                    content_type=material_type,
                    object_id=material.pk,
                    source_field="text",
                    start=start,
                    end=end,
                    defaults={"text": passage, "coded_by": researcher},
                )
                if created:
                    for name in theme_names:
                        if name not in themes:
                            themes[name], _ = Theme.objects.get_or_create(unit=unit, name=name)
                    fragment.themes.set([themes[name] for name in theme_names])
                    demo.log.append(f"coded passage in {title}")
        _code_other_sources(demo, unit, programme_themes, researcher)


def _code_other_sources(demo, unit, programme_themes, researcher) -> None:
    """The first session note or shared experiment of the unit with each passage, coded."""
    from .sources import SOURCE_KINDS, kind_for_model, normalise_newlines

    for model_label, field, passage, theme_names in OTHER_SOURCES:
        kind = next((k for k in SOURCE_KINDS.values() if k.model_label == model_label), None)
        qs = kind.queryset(unit) if kind else None
        if qs is None or not all(name in programme_themes for name in theme_names):
            continue
        obj = qs.filter(**{f"{field}__contains": passage}).order_by("pk").first()
        if obj is None or kind_for_model(type(obj)) is None:
            continue
        text = normalise_newlines(getattr(obj, field))
        start = text.find(passage)
        if start < 0:
            continue
        fragment, created = CodedFragment.objects.get_or_create(
            unit=unit,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            source_field=field,
            start=start,
            end=start + len(passage),
            defaults={"text": passage, "coded_by": researcher},
        )
        if created:
            fragment.themes.set([programme_themes[name] for name in theme_names])
            demo.log.append(f"coded passage in {model_label} {obj.pk}")
