"""The statistics page of a unit: tables and charts per measure."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import Perm, get_unit_access

from .charts import measure_chart_svg
from .statistics import unit_statistics


@require_GET
def statistics(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    stats = unit_statistics(access.unit)
    measures = [
        {
            "stats": m,
            "chart": None if m.is_text or not m.has_data else measure_chart_svg(m, stats.waves),
            "rows": [(w, m.for_wave(w.code)) for w in stats.waves],
            "changes": [
                (next(w for w in stats.waves if w.code == c.wave_code), c.change) for c in m.changes
            ],
        }
        for m in stats.measures
    ]
    return render(
        request,
        "research/statistics.html",
        {"unit": access.unit, "access": access, "stats": stats, "measures": measures},
    )
