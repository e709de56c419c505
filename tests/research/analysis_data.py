"""Small builders for research data in the analysis tests (measures and values)."""

from research.models import Measure, Observation
from research.services import data_version_bump
from research.services.waves import waves_ensure_defaults


def make_measure(unit, code="lonely", *, type="likert", minimum=1, maximum=5, **kwargs):
    if type in ("yesno", "text"):
        minimum = maximum = None
    return Measure.objects.create(
        unit=unit,
        code=code,
        label=kwargs.pop("label", code.replace("_", " ").capitalize()),
        type=type,
        min_value=minimum,
        max_value=maximum,
        **kwargs,
    )


def add_values(unit, measure, wave_code, values: dict):
    """values: {respondent: number or text}; None leaves the value out (missing).
    Gives the data a new version, as the import does."""
    wave = next(w for w in waves_ensure_defaults(unit=unit) if w.code == wave_code)
    Observation.objects.bulk_create(
        [
            Observation(
                unit=unit,
                measure=measure,
                wave=wave,
                respondent=respondent,
                value_numeric=None if isinstance(value, str) else value,
                value_text=value if isinstance(value, str) else "",
            )
            for respondent, value in values.items()
            if value is not None
        ]
    )
    data_version_bump(unit=unit)  # as every service that writes values does


# --- A programme whose waves were added out of time order ---------------------------

# Loneliness (1-5, lower is better) at the baseline for r1..r12; r12 dropped out.
PILOT_BASELINE = {f"r{i}": 4 + (i % 2) for i in range(1, 13)}
# later - baseline for r1..r11: six of -1 and five of -2.
PILOT_FINAL_DIFFS = [-1, -2, -1, -2, -1, -2, -1, -2, -1, -2, -1]


def unit_with_waves_out_of_order(unit):
    """The waves of issue 12: the three default waves dated, then (added later) a pilot
    dated before the baseline, a second intermediary wave dated before the final one
    with a single pair, and a follow-up after the final wave.

    Returns the measure. Baseline -> final: 11 pairs, mean difference -16/11.
    """
    from datetime import date

    from research.models import Wave, WaveKind
    from research.services.waves import wave_create

    waves_ensure_defaults(unit=unit)
    for code, day in (
        ("baseline", date(2026, 2, 1)),
        ("intermediary", date(2026, 5, 1)),
        ("final", date(2026, 9, 1)),
    ):
        Wave.objects.filter(unit=unit, code=code).update(date=day)
    wave_create(unit=unit, code="pilot", label="Pilot", kind=WaveKind.PILOT, date=date(2026, 1, 10))
    wave_create(unit=unit, code="t2b", label="Second intermediary", date=date(2026, 7, 1))
    wave_create(
        unit=unit,
        code="followup",
        label="Follow-up",
        kind=WaveKind.FOLLOW_UP,
        date=date(2026, 12, 1),
    )
    m = make_measure(unit, "lonely", label="Loneliness", higher_is_better=False)
    add_values(unit, m, "pilot", {"r1": 5, "r2": 5, "r3": 4})
    add_values(unit, m, "baseline", PILOT_BASELINE)
    add_values(unit, m, "t2b", {"r1": 1})  # one pair, a big drop
    add_values(
        unit,
        m,
        "final",
        {f"r{i}": PILOT_BASELINE[f"r{i}"] + d for i, d in enumerate(PILOT_FINAL_DIFFS, start=1)},
    )
    add_values(unit, m, "followup", {"r1": 3, "r2": 3})  # two pairs: too few for an interval
    return m
