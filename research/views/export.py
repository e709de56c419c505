"""Exporting a unit's data: every value in long format, as CSV or Excel."""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bpu.downloads import private_download
from units.access import Perm, get_unit_access

from .. import exporting

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@private_download
@login_required
@require_GET
def export(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    unit = access.unit
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        exporting.write_xlsx(unit, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{unit.slug}-data-{stamp}.xlsx"'
        return response

    def lines():
        yield "\ufeff"  # so that Excel reads UTF-8
        yield from exporting.csv_lines(unit)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{unit.slug}-data-{stamp}.csv"'
    return response
