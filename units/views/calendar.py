"""The private calendar feed and the page to manage it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import calendar, selectors, services
from ..models import CalendarFeed


def feed(request, token):
    """No login: calendar apps fetch this. The secret token is the key; revoking replaces it."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    body = calendar.calendar_for(
        selectors.sessions_for_feed(feed.user),
        request=request,
        name=_("BPU sessions"),
        language=feed.user.language,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def calendar_page(request):
    feed = services.calendar_feed_for(user=request.user)
    url = request.build_absolute_uri(reverse("units:calendar_feed", args=[feed.token]))
    return render(
        request,
        "units/calendar.html",
        {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1]},
    )


@login_required
@require_POST
def calendar_revoke(request):
    services.calendar_feed_revoke(user=request.user)
    messages.success(
        request,
        _("You have a new calendar address. The old one no longer works; subscribe again."),
    )
    return redirect("units:calendar")
