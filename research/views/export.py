"""Exporting a unit's data, long or wide, as CSV (in the reader's convention) or Excel."""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from bpu.downloads import private_download
from units.access import Accessed, Perm, get_unit_access
from units.models import AccessAction, DataKind

from .. import exporting
from ..selectors import respondents_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@private_download
@login_required
@require_GET
def export(request, slug):
    """``?format=csv|xlsx|sav&shape=long|wide`` (SPSS is always wide). The CSV follows
    the reader's language: Dutch Excel opens ``;`` with decimal commas in columns,
    English Excel ``,`` with points."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    unit = access.unit
    shape = exporting.WIDE if request.GET.get("shape") == exporting.WIDE else exporting.LONG
    name = f"{unit.slug}-data-{shape}-{timezone.localdate().isoformat()}"
    # Every respondent's data leaves the application: one entry each, one INSERT.
    access.log(
        AccessAction.EXPORTED,
        DataKind.RESEARCH_DATA,
        [Accessed(respondent=code) for code in respondents_of(unit)],
    )
    if request.GET.get("format") == "sav":
        buffer = io.BytesIO()
        exporting.write_sav(unit, buffer, yes=gettext("yes"), no=gettext("no"))
        response = HttpResponse(buffer.getvalue(), content_type="application/x-spss-sav")
        name = f"{unit.slug}-data-wide-{timezone.localdate().isoformat()}"
        response["Content-Disposition"] = f'attachment; filename="{name}.sav"'
        return response
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        exporting.write_xlsx(unit, buffer, shape=shape)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    dutch = (get_language() or "").startswith("nl")

    def lines():
        yield "\ufeff"  # so that Excel reads UTF-8
        yield from exporting.csv_lines(unit, shape=shape, dutch=dutch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
