"""The bell's list, reading notifications, and the e-mail settings.

Nothing is marked read on a GET: the list has a "mark all as read" button, and each
item opens through a small POST form that marks it read and then redirects.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import preferences, selectors, services
from .forms import LinkForm, PreferencesForm
from .models import Frequency, Kind, Notification
from .texts import describe, details

PAGE_SIZE = 25


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [(n, describe(n), details(n)) for n in page.object_list]
    return render(request, "notifications/list.html", {"page": page, "items": items})


@login_required
@require_POST
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "notifications:list"
    return redirect(url)


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Everything is marked as read."))
    return redirect("notifications:list")


@login_required
def preferences_edit(request):
    current = preferences.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, frequency in form.cleaned_data.items():
            if frequency != current[kind]:
                preferences.preference_set(user=request.user, kind=kind, frequency=frequency)
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# The signed link is the key: it names one person and one kind and is unguessable, so
# it needs no session and no CSRF token (mail programs POST to it for "unsubscribe",
# RFC 8058). The GET only shows the choice; the change is a POST.
@csrf_exempt
def preference_link(request, token):
    try:
        user_id, kind = preferences.link_read(token)
        user = get_user_model().objects.get(pk=user_id, is_active=True)
    except (signing.BadSignature, get_user_model().DoesNotExist):
        return render(request, "notifications/link_invalid.html", status=400)
    with translation.override(user.language):  # the link names the person: their language
        return _preference_link(request, user, kind)


def _preference_link(request, user, kind):
    current = preferences.preferences_of(user)[kind]
    if request.POST.get("List-Unsubscribe") == "One-Click":
        preferences.preference_set(user=user, kind=kind, frequency=Frequency.NEVER)
        return render(request, "notifications/link_done.html", {"kind": Kind(kind)})
    form = LinkForm(request.POST or None, initial={"frequency": current})
    if request.method == "POST" and form.is_valid():
        frequency = form.cleaned_data["frequency"]
        preferences.preference_set(user=user, kind=kind, frequency=frequency)
        return render(
            request,
            "notifications/link_done.html",
            {"kind": Kind(kind), "frequency": Frequency(frequency)},
        )
    return render(
        request, "notifications/link.html", {"form": form, "kind": Kind(kind), "person": user}
    )
