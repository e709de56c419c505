"""Importing a data file: upload, its check (a preview) in the background, confirming it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from units.access import Accessed, Perm, get_unit_access
from units.models import AccessAction, DataKind

from ..forms import ImportForm
from ..models import ImportBatch, Measure
from ..selectors import import_batch_state
from ..services.import_batches import import_batch_confirm, import_batch_upload
from ._common import data_context


def _batch(access, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("wave"), unit=access.unit, pk=pk)


def _log_preview(access, batch: ImportBatch) -> None:
    """A checked file's preview shows its first values and some stored values it would
    replace, each under a respondent code: research data read (one INSERT)."""
    if batch.status != ImportBatch.Status.PREVIEWED:
        return
    shown = [*batch.preview.get("first", []), *batch.sample_changes]
    codes = sorted({row["respondent"] for row in shown if row.get("respondent")})
    access.log(AccessAction.VIEWED, DataKind.RESEARCH_DATA, [Accessed(respondent=c) for c in codes])


@login_required
def data_import(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    unit = access.unit
    form = ImportForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        batch = import_batch_upload(
            unit=unit,
            upload=form.cleaned_data["file"],
            wave=form.cleaned_data["wave"],
            sheet=form.cleaned_data["sheet"],
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
        data_context(
            access,
            "import",
            form=form,
            batches=batches,
            measures=Measure.objects.filter(unit=unit).order_by("order", "code"),
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def import_batch(request, slug, pk):
    """One upload: being checked, its preview (confirm here), its problems, or its result."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    state = import_batch_state(_batch(access, pk))
    _log_preview(access, state.batch)
    return render(
        request, "research/import_batch.html", data_context(access, "import", state=state)
    )


@never_cache
@login_required
@require_GET
def import_status(request, slug, pk):
    """The status part of the page above, asked for every two seconds while work goes on."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    state = import_batch_state(_batch(access, pk))
    _log_preview(access, state.batch)  # asked for again only while the check runs
    return render(
        request, "research/_import_status.html", data_context(access, "import", state=state)
    )


@login_required
@require_POST
def import_confirm(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    batch = _batch(access, pk)
    try:
        import_batch_confirm(batch=batch, actor=request.user)
    except ValidationError:  # confirmed by a second click in the meantime
        messages.info(request, gettext("This import was confirmed already."))
    return redirect("research:import_batch", slug=slug, pk=batch.pk)
