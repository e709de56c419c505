"""Exit criteria the research data decides (registered in ``phases.criteria``)."""

from django.utils.translation import gettext_lazy as _

from phases.criteria import criterion
from units.choices import Phase

from .models import Observation, WaveKind


@criterion(
    phase=Phase.BASELINE,
    code="baseline_wave",
    label=_("The baseline wave has data"),
    order=50,
)
def baseline_wave_has_data(unit):
    """One query: is there any value in the unit's baseline wave (the wave of kind baseline)?"""
    return Observation.objects.filter(unit=unit, wave__kind=WaveKind.BASELINE).exists()
