"""The statistics page of a unit (tables and charts per measure) and the page that says
how the figures are computed."""

import hashlib
from functools import cache as once
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from units.access import Perm, get_unit_access

from ..charts import likert_distribution_svg, measure_chart_svg
from ..statistics import (
    CACHE_SECONDS,
    MIN_PAIRS,
    likert_points,
    statistics_source,
    unit_statistics,
)

WAVES_BESIDE_CHART = 4


def likert_distribution(m, waves) -> list[tuple[float, list[int]]]:
    """[(point of the scale, [count in each wave])], or [] when the measure has none."""
    points = likert_points(m.minimum, m.maximum) if m.is_likert else None
    if not points:
        return []
    per_wave = [dict(map(tuple, (m.for_wave(w.code).distribution or []))) for w in waves]
    return [(p, [counts.get(p, 0) for counts in per_wave]) for p in points]


def _measure_items(stats) -> list[dict]:
    """Per measure: its statistics, its chart, its figures per wave, its Likert
    distribution and its changes, each with the wave it belongs to."""
    return [
        {
            "stats": m,
            "chart": None if m.is_text or not m.has_data else measure_chart_svg(m, stats.waves),
            "rows": [(w, m.for_wave(w.code)) for w in stats.waves],
            "distribution": likert_distribution(m, stats.waves),
            "distribution_chart": likert_distribution_svg(m, stats.waves),
            "changes": [(stats.wave(c.wave_code), c.change) for c in m.changes],
        }
        for m in stats.measures
    ]


@login_required
@require_GET
def statistics(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    source = statistics_source(access.unit)
    return render(
        request,
        "research/statistics.html",
        {
            "unit": access.unit,
            "access": access,
            "has_measures": bool(source.measures),
            "body": _statistics_body(access.unit, source) if source.measures else "",
        },
    )


BODY_TEMPLATES = ("research/_statistics_body.html", "research/_ci.html", "research/_direction.html")


@once
def _body_templates_signature() -> str:
    """A new deployment that changes how the numbers are shown (the templates, the
    charts, the number filters) must not serve the HTML the old code rendered."""
    from .. import charts
    from ..templatetags import research_format

    sources = "".join(get_template(name).template.source for name in BODY_TEMPLATES)
    code = b"".join(Path(m.__file__).read_bytes() for m in (charts, research_format))
    return hashlib.sha256(sources.encode() + code).hexdigest()[:16]


def _statistics_body(unit, source) -> str:
    """The tables and charts of every measure, rendered once per version of the data
    (the statistics' own cache key: codebook, waves, data version) and language, then
    served from the cache: the same numbers always give the same HTML, and rendering
    them (thousands of formatted figures and translated labels, ten SVG charts) is
    most of the page's cost."""
    key = f"research:statistics-body:{_body_templates_signature()}:{get_language()}:{source.key}"
    body = cache.get(key)
    if body is None:
        stats = unit_statistics(unit, source=source)
        body = render_to_string(
            "research/_statistics_body.html",
            {
                "unit": unit,
                "stats": stats,
                "measures": _measure_items(stats),
                # Many waves: the tables take the full width, the chart goes below them.
                "wide": len(stats.waves) > WAVES_BESIDE_CHART,
            },
        )
        cache.set(key, body, CACHE_SECONDS)
    return mark_safe(body)  # noqa: S308 - our own template's output, escaped when rendered


@login_required
@require_GET
def method(request, slug):
    """How we compute: what the statistics page and the reports show, and when not."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    return render(
        request,
        "research/method.html",
        {"unit": access.unit, "access": access, "min_pairs": MIN_PAIRS},
    )
