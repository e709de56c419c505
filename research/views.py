"""Pages of the data half of research: overview, codebook, waves, import, export."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from bpu.downloads import private_download
from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from . import exporting
from .forms import CodebookUploadForm, ImportForm, MeasureForm, WaveEditForm, WaveForm
from .models import ImportBatch, Measure, Observation, Wave
from .selectors import import_batch_state
from .services import (
    codebook_import,
    import_batch_confirm,
    import_batch_upload,
    measure_delete,
    measure_save,
    wave_create,
    wave_update,
    waves_ensure_defaults,
)


def _context(access, section, **extra):
    return {
        "unit": access.unit,
        "access": access,
        "section": section,
        "can_manage": access.can(Perm.MANAGE_RESEARCH),
        **extra,
    }


# --- Overview ------------------------------------------------------------------------


@require_GET
def overview(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    waves = waves_ensure_defaults(unit=unit)
    per_wave = {
        row["wave_id"]: row
        for row in Observation.objects.filter(unit=unit)
        .values("wave_id")
        .annotate(values=Count("id"), respondents=Count("respondent", distinct=True))
    }
    wave_rows = [(w, per_wave.get(w.pk, {"values": 0, "respondents": 0})) for w in waves]
    batches = ImportBatch.objects.filter(
        unit=unit, status=ImportBatch.Status.CONFIRMED
    ).select_related("uploaded_by", "wave")[:5]
    return render(
        request,
        "research/overview.html",
        _context(
            access,
            "overview",
            measure_count=Measure.objects.filter(unit=unit).count(),
            wave_rows=wave_rows,
            batches=batches,
        ),
    )


# --- Codebook ------------------------------------------------------------------------


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
                unit=unit, file=upload, filename=upload.name, actor=request.user
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
        _context(access, "codebook", measures=measures, form=form, problems=problems),
        status=400 if problems else 200,
    )


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
        request, "research/measure_form.html", _context(access, "codebook", form=form, measure=None)
    )


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
        _context(access, "codebook", form=form, measure=measure),
    )


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
        _context(access, "codebook", measure=measure, values=measure.observations.count()),
    )


# --- Waves ------------------------------------------------------------------------


def waves(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    rows = waves_ensure_defaults(unit=unit)
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
    edit_forms = [
        (w, WaveEditForm(instance=w, prefix=f"wave-{w.pk}") if add_form is not None else None)
        for w in rows
    ]
    return render(
        request,
        "research/waves.html",
        _context(access, "waves", edit_forms=edit_forms, add_form=add_form),
        status=400 if add_form is not None and add_form.errors else 200,
    )


@require_POST
def wave_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    wave = get_object_or_404(Wave, unit=access.unit, pk=pk)
    form = WaveEditForm(request.POST, instance=Wave.objects.get(pk=wave.pk), prefix=f"wave-{pk}")
    if form.is_valid():
        wave_update(wave=wave, **form.cleaned_data)
        messages.success(request, gettext("The wave was saved."))
    else:
        messages.error(
            request,
            gettext("The wave was not saved: %(errors)s")
            % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
    return redirect("research:waves", slug=slug)


# --- Import ------------------------------------------------------------------------


def data_import(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    unit = access.unit
    waves_ensure_defaults(unit=unit)
    form = ImportForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_upload(
            unit=unit,
            upload=form.cleaned_data["file"],
            wave=form.cleaned_data["wave"],
            actor=request.user,
        )
        return redirect("research:import_batch", slug=slug, pk=batch.pk)
    batches = (
        ImportBatch.objects.filter(unit=unit)
        .exclude(status=ImportBatch.Status.FAILED)
        .select_related("uploaded_by", "wave")[:20]
    )
    return render(
        request,
        "research/import.html",
        _context(
            access,
            "import",
            form=form,
            batches=batches,
            measures=Measure.objects.filter(unit=unit).order_by("order", "code"),
        ),
        status=400 if form.errors else 200,
    )


def _batch(access, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("wave"), unit=access.unit, pk=pk)


@require_GET
def import_batch(request, slug, pk):
    """One upload: being checked, its preview (confirm here), its problems, or its result."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    state = import_batch_state(_batch(access, pk))
    return render(request, "research/import_batch.html", _context(access, "import", state=state))


@never_cache
@require_GET
def import_status(request, slug, pk):
    """The status part of the page above, asked for every two seconds while work goes on."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    state = import_batch_state(_batch(access, pk))
    return render(request, "research/_import_status.html", _context(access, "import", state=state))


@require_POST
def import_confirm(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    batch = _batch(access, pk)
    try:
        import_batch_confirm(batch=batch, actor=request.user)
    except ValidationError:  # confirmed by a second click in the meantime
        messages.info(request, gettext("This import was confirmed already."))
    return redirect("research:import_batch", slug=slug, pk=batch.pk)


# --- Export ------------------------------------------------------------------------


@private_download
@require_GET
def export(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    unit = access.unit
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        exporting.write_xlsx(unit, buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{unit.slug}-data-{stamp}.xlsx"'
        return response

    def lines():
        yield "\ufeff"  # so that Excel reads UTF-8
        yield from exporting.csv_lines(unit)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{unit.slug}-data-{stamp}.csv"'
    return response
