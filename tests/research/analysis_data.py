"""Small builders for research data in the analysis tests (measures and values)."""

from research.models import Measure, Observation
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
    """values: {respondent: number or text}; None leaves the value out (missing)."""
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
