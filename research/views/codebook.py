"""The codebook of a unit: its measures, one by one or from a codebook file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from ..forms import CodebookUploadForm, MeasureForm
from ..models import Measure
from ..services.codebook import codebook_import, measure_delete, measure_save
from ._common import data_context


@login_required
def codebook(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    form = None
    problems = None
    if access.can(Perm.MANAGE_RESEARCH):
        form = CodebookUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = codebook_import(
                unit=unit,
                file=upload,
                filename=upload.name,
                actor=request.user,
                sheet=form.cleaned_data["sheet"],
            )
            if result.ok:
                messages.success(
                    request,
                    gettext("Codebook read: %(created)s measures added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("research:codebook", slug=slug)
            problems = result.problems
    elif request.method == "POST":
        get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # 403
    measures = Measure.objects.filter(unit=unit).annotate(values=Count("observations"))
    return render(
        request,
        "research/codebook.html",
        data_context(access, "codebook", measures=measures, form=form, problems=problems),
        status=400 if problems else 200,
    )


@login_required
def measure_add(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measure_save(unit=access.unit, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The measure was added."))
            return redirect("research:codebook", slug=slug)
    return render(
        request,
        "research/measure_form.html",
        data_context(access, "codebook", form=form, measure=None),
    )


@login_required
def measure_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    measure = get_object_or_404(Measure, unit=access.unit, pk=pk)
    form = MeasureForm(request.POST or None, instance=Measure.objects.get(pk=measure.pk))
    if request.method == "POST" and form.is_valid():
        try:
            measure_save(unit=access.unit, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The measure was saved."))
            return redirect("research:codebook", slug=slug)
    return render(
        request,
        "research/measure_form.html",
        data_context(access, "codebook", form=form, measure=measure),
    )


@login_required
def measure_remove(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    measure = get_object_or_404(Measure, unit=access.unit, pk=pk)
    if request.method == "POST":
        measure_delete(measure=measure)
        messages.success(request, gettext("The measure and its values were deleted."))
        return redirect("research:codebook", slug=slug)
    return render(
        request,
        "research/measure_delete.html",
        data_context(access, "codebook", measure=measure, values=measure.observations.count()),
    )
