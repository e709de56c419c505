"""The statistics page of a unit: tables and charts per measure."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import Perm, get_unit_access

from ..charts import measure_chart_svg
from ..statistics import unit_statistics


def _measure_items(stats) -> list[dict]:
    """Per measure: its statistics, its chart, its figures per wave and its changes,
    each with the wave it belongs to."""
    wave_of = {w.code: w for w in stats.waves}
    return [
        {
            "stats": m,
            "chart": None if m.is_text or not m.has_data else measure_chart_svg(m, stats.waves),
            "rows": [(w, m.for_wave(w.code)) for w in stats.waves],
            "changes": [(wave_of[c.wave_code], c.change) for c in m.changes],
        }
        for m in stats.measures
    ]


@login_required
@require_GET
def statistics(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    stats = unit_statistics(access.unit)
    return render(
        request,
        "research/statistics.html",
        {
            "unit": access.unit,
            "access": access,
            "stats": stats,
            "measures": _measure_items(stats),
        },
    )
