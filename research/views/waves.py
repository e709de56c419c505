"""The waves of a unit: the moments it measures, in time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from ..forms import WaveEditForm, WaveForm
from ..models import Observation, Wave
from ..services.waves import wave_create, wave_delete, wave_move, wave_update
from ._common import data_context


@login_required
def waves(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    add_form = None
    if access.can(Perm.MANAGE_RESEARCH):
        add_form = WaveForm(request.POST or None, prefix="new")
        if request.method == "POST" and add_form.is_valid():
            try:
                wave_create(unit=unit, **add_form.cleaned_data)
            except ValidationError as error:
                form_errors_from(add_form, error)
            else:
                messages.success(request, gettext("The wave was added."))
                return redirect("research:waves", slug=slug)
    elif request.method == "POST":
        get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # 403
    # One query: the waves in time, each with whether it has data (only empty ones can go).
    has_data = Exists(Observation.objects.filter(wave=OuterRef("pk")))
    in_time = list(Wave.objects.filter(unit=unit).in_time().annotate(has_data=has_data))
    # A wave moves only among the waves with its date (or without one): arrows only there.
    for i, w in enumerate(in_time):
        w.can_move_up = i > 0 and in_time[i - 1].date == w.date
        w.can_move_down = i + 1 < len(in_time) and in_time[i + 1].date == w.date
    edit_forms = [
        (w, WaveEditForm(instance=w, prefix=f"wave-{w.pk}") if add_form is not None else None)
        for w in in_time
    ]
    return render(
        request,
        "research/waves.html",
        data_context(access, "waves", edit_forms=edit_forms, add_form=add_form),
        status=400 if add_form is not None and add_form.errors else 200,
    )


@login_required
@require_POST
def wave_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    wave = get_object_or_404(Wave.objects.select_related("unit"), unit=access.unit, pk=pk)
    form = WaveEditForm(request.POST, instance=Wave.objects.get(pk=wave.pk), prefix=f"wave-{pk}")
    if form.is_valid():
        try:
            wave_update(wave=wave, **form.cleaned_data)
        except ValidationError as error:
            messages.error(
                request,
                gettext("The wave was not saved: %(errors)s")
                % {"errors": " ".join(error.messages)},
            )
        else:
            messages.success(request, gettext("The wave was saved."))
    else:
        messages.error(
            request,
            gettext("The wave was not saved: %(errors)s")
            % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("research:waves", slug=slug)


@login_required
@require_POST
def wave_move_view(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    wave = get_object_or_404(Wave.objects.select_related("unit"), unit=access.unit, pk=pk)
    try:
        wave_move(wave=wave, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("research:waves", slug=slug)


@login_required
def wave_remove(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    wave = get_object_or_404(Wave.objects.select_related("unit"), unit=access.unit, pk=pk)
    if request.method == "POST":
        try:
            wave_delete(wave=wave)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, gettext("The wave was deleted."))
        return redirect("research:waves", slug=slug)
    return render(
        request,
        "research/wave_delete.html",
        data_context(access, "waves", wave=wave, values=wave.observations.count()),
    )
