"""The research comparison of a programme's units."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import Perm, get_programme_access

from ..programme import programme_comparison


@login_required
@require_GET
def comparison(request, slug):
    """Visible to whoever may see the research of at least one of the programme's units."""
    access = get_programme_access(request.user, slug, Perm.VIEW_RESEARCH, in_every_unit=False)
    programme = access.programme
    data = programme_comparison(request.user, programme)
    return render(
        request,
        "research/programme_comparison.html",
        {"programme": programme, "comparison": data},
    )
