"""The research overview of a unit: its codebook, its waves with their data, recent imports."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import Perm, get_unit_access

from ..models import ImportBatch, Measure, Observation
from ..selectors import unit_waves
from ._common import data_context


@login_required
@require_GET
def overview(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    per_wave = {
        row["wave_id"]: row
        for row in Observation.objects.filter(unit=unit)
        .values("wave_id")
        .annotate(values=Count("id"), respondents=Count("respondent", distinct=True))
    }
    wave_rows = [(w, per_wave.get(w.pk, {"values": 0, "respondents": 0})) for w in unit_waves(unit)]
    batches = ImportBatch.objects.filter(
        unit=unit, status=ImportBatch.Status.CONFIRMED
    ).select_related("uploaded_by", "wave")[:5]
    return render(
        request,
        "research/overview.html",
        data_context(
            access,
            "overview",
            measure_count=Measure.objects.filter(unit=unit).count(),
            wave_rows=wave_rows,
            batches=batches,
        ),
    )
