"""A person's own page of the access log: who looked at or changed their data."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors

ENTRIES_PER_PAGE = 25


@login_required
@require_GET
def access_log_mine(request):
    entries = selectors.access_log_about(request.user)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "units/access_log_mine.html", {"page": page})
