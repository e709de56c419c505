"""The research comparison of a programme's units."""

from django.shortcuts import render

from units.access import get_programme_for_user

from .programme import programme_comparison


def comparison(request, slug):
    programme = get_programme_for_user(request.user, slug)
    data = programme_comparison(request.user, programme)
    return render(
        request,
        "research/programme_comparison.html",
        {"programme": programme, "comparison": data},
    )
