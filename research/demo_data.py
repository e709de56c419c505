"""Demo research data: a codebook per unit, dated waves, and believable values for
about 30 respondents in each wave the unit's (target) phase has reached.

Goes through the real services (codebook and data imports, as a researcher
would), so the demo also shows imports in the history. Idempotent: a unit
that has measures keeps its codebook; a wave that has values is left alone.
"""

import io
import random
from datetime import timedelta

from .models import Observation, Wave
from .services.codebook import codebook_import
from .services.observations import observations_import
from .services.waves import waves_ensure_defaults

RESPONDENTS = 30

CODEBOOK = """code;label;construct;type;min;max;higher_is_better;respondent
ucla;UCLA eenzaamheid (korte versie, gemiddelde itemscore);Eenzaamheid;likert;1;4;nee;client
djg;De Jong Gierveld eenzaamheidsschaal;Eenzaamheid;numeric;0;11;nee;client
mansa;MANSA kwaliteit van leven;Kwaliteit van leven;likert;1;7;ja;client
gse;Algemene self-efficacy (GSE);Self-efficacy;numeric;10;40;ja;client
netwerk;Heeft een steunend netwerk;Sociaal netwerk;yesno;;;ja;client
toelichting;Toelichting van de deelnemer;;text;;;;client
"""

# The wave a unit has reached by its (target) phase: baseline in phase 3 (baseline
# assessment), the intermediary measurement during realization (5), the final one in 6.
WAVE_FROM_PHASE = {Wave.BASELINE: 3, Wave.INTERMEDIARY: 5, Wave.FINAL: 6}

REMARKS = [
    "Ik kom weer vaker bij de buren.",
    "Sinds de koffieochtend ken ik meer mensen in de straat.",
    "Het gaat op en af, de winter is zwaar.",
    "Mijn dochter komt nu elke week langs.",
    "Ik durf makkelijker hulp te vragen.",
    "Weinig veranderd, wel fijn dat er iemand langskomt.",
    "",
    "",
    "",
]


def _clamp(value, low, high):
    return max(low, min(high, value))


def _respondents(rng):
    """Per respondent a lasting level of loneliness (0 = not, 1 = very) and a response."""
    return [
        (f"R{i:03d}", rng.betavariate(2.2, 2.0), rng.gauss(0.12, 0.10))
        for i in range(1, RESPONDENTS + 1)
    ]


def _row(rng, respondent, level, response, step):
    """One respondent's values at a wave (step 0 = baseline); '' is a missing value."""
    lonely = _clamp(level - response * step + rng.gauss(0, 0.06), 0, 1)

    def missing(value, chance=0.04):
        return "" if rng.random() < chance else value

    ucla = round(1 + 3 * lonely + rng.gauss(0, 0.3))
    djg = round(11 * lonely + rng.gauss(0, 1.0))
    mansa = 6.2 - 3.5 * lonely + rng.gauss(0, 0.5)
    gse = 34 - 14 * lonely + rng.gauss(0, 2.5) + 2 * step
    network = "ja" if rng.random() > lonely * 0.8 else "nee"
    return [
        respondent,
        missing(str(_clamp(ucla, 1, 4))),
        missing(str(_clamp(djg, 0, 11))),
        missing(str(_clamp(round(mansa), 1, 7))),
        missing(f"{_clamp(gse, 10, 40):.1f}".replace(".", ",")),
        missing(network, 0.02),
        rng.choice(REMARKS),
    ]


def _wave_file(rng, people, step):
    header = "respondent;ucla;djg;mansa;gse;netwerk;toelichting"
    lines = [header]
    for respondent, level, response in people:
        # A few drop out after the baseline, as in real follow-up.
        if step and rng.random() < 0.05:
            continue
        lines.append(";".join(_row(rng, respondent, level, response, step)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _date_waves(unit, waves):
    span = (unit.planned_end - unit.planned_start).days
    dates = {
        Wave.BASELINE: unit.planned_start + timedelta(days=min(60, span // 6)),
        Wave.INTERMEDIARY: unit.planned_start + timedelta(days=span // 2),
        Wave.FINAL: unit.planned_end - timedelta(days=30),
    }
    for wave in waves:
        if wave.date is None and wave.code in dates:
            wave.date = dates[wave.code]
            wave.save(update_fields=["date"])


def _check(result):
    if not result.ok:
        raise RuntimeError("demo data refused: " + "; ".join(str(p) for p in result.problems))


def seed_unit(demo, slug, unit):
    researcher = demo.people.get("researcher@example.org")
    waves = waves_ensure_defaults(unit=unit)
    _date_waves(unit, waves)
    if not unit.measures.exists():
        result = codebook_import(
            unit=unit, file=io.BytesIO(CODEBOOK.encode()), filename="codeboek.csv"
        )
        _check(result)
        demo.log.append(f"codebook {slug}")
    phase = demo.target_phase.get(slug, unit.phase)
    rng = random.Random(f"bpu-demo-{slug}")  # noqa: S311 - demo data, not security
    people = _respondents(rng)
    for step, wave in enumerate(w for w in waves if w.code in WAVE_FROM_PHASE):
        content = _wave_file(rng, people, step)  # drawn always, so waves stay reproducible
        if phase < WAVE_FROM_PHASE[wave.code]:
            continue
        if Observation.objects.filter(unit=unit, wave=wave).exists():
            continue
        result = observations_import(
            unit=unit,
            file=io.BytesIO(content),
            filename=f"{wave.code}.csv",
            wave=wave,
            actor=researcher,
        )
        _check(result)
        demo.log.append(f"{wave.code} data {slug}")


def seed_data(demo) -> None:
    """Codebook, waves and values for every demo unit."""
    for slug, unit in demo.units.items():
        seed_unit(demo, slug, unit)
