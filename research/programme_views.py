"""The research comparison of a programme's units."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import get_programme_for_user

from .programme import programme_comparison


@require_GET
def comparison(request, slug):
    """Visible to whoever may see the research of at least one of the programme's units."""
    programme = get_programme_for_user(request.user, slug)
    data = programme_comparison(request.user, programme)
    if not data.units and not request.user.is_staff:
        raise PermissionDenied
    return render(
        request,
        "research/programme_comparison.html",
        {"programme": programme, "comparison": data},
    )
