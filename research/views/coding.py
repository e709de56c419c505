"""Qualitative material and coding: materials, coding a source, passages and their export."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from bpu.downloads import private_download
from units.access import Accessed, Perm, get_unit_access
from units.forms import form_errors_from
from units.models import AccessAction, DataKind

from .. import selectors
from ..coding_forms import CodingForm, MaterialForm
from ..exporting import neutralise
from ..models import CodedFragment, Material
from ..passages import highlighted_segments
from ..services import coding as services

# --- Materials -----------------------------------------------------------------------


@login_required
@require_GET
def materials(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    sources = selectors.codable_sources(access.unit, request.user)
    return render(
        request,
        "research/materials.html",
        {
            "unit": access.unit,
            "access": access,
            "materials": sources["material"],
            "sessions": sources["session"],
            "experiments": sources["experiment"],
            "can_code": access.can(Perm.MANAGE_RESEARCH),
        },
    )


@login_required
def material_add(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        material = services.material_create(
            unit=access.unit, actor=request.user, **form.cleaned_data
        )
        messages.success(request, gettext("The material was added. Select passages to code."))
        return redirect(
            "research:code_source", slug=slug, kind="material", pk=material.pk, field="text"
        )
    return render(
        request,
        "research/material_form.html",
        {"unit": access.unit, "access": access, "form": form, "material": None},
    )


@login_required
def material_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    material = get_object_or_404(Material, unit=access.unit, pk=pk)
    form = MaterialForm(request.POST or None, instance=material)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_update(material=Material.objects.get(pk=pk), **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The material was saved."))
            return redirect("research:materials", slug=slug)
    return render(
        request,
        "research/material_form.html",
        {"unit": access.unit, "access": access, "form": form, "material": material},
    )


# --- Coding a source --------------------------------------------------------------------


@login_required
def code_source(request, slug, kind, pk, field):
    """A source text with its coded passages; researchers select and tag passages here."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    source = selectors.get_source(unit, kind, pk, field)
    blind = (
        selectors.open_blind_codings(unit, request.user).filter(material_id=source.obj.pk).first()
        if kind == "material"
        else None
    )
    if blind is not None:
        # Blind means blind: the second coder sees this material's coding after submitting.
        return redirect("research:blind_coding", slug=slug, pk=blind.pk)
    can_code = access.can(Perm.MANAGE_RESEARCH)
    form = None
    if can_code or request.method == "POST":
        if not can_code:
            get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # raises 403
        form = CodingForm(request.POST or None, themes_queryset=selectors.themes_for_unit(unit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fragment_create(
                source=source,
                actor=request.user,
                passage=data["passage"],
                start=data.get("start"),
                end=data.get("end"),
                themes=list(data["themes"]),
                new_theme_names=data["new_themes"],
                knowledge_sources=data["knowledge_sources"],
                knowledge_reference=data["knowledge_reference"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The passage was coded."))
            return redirect(source.coding_url())
    fragments = list(selectors.fragments_of(source, request.user))
    if source.kind.key == "experiment":
        # A member's shared experiment, read by the unit's researchers.
        access.log(
            AccessAction.VIEWED,
            DataKind.EXPERIMENT,
            [Accessed(person_id=source.obj.author_id, object_id=source.obj.pk)],
        )
    return render(
        request,
        "research/code_source.html",
        {
            "unit": unit,
            "access": access,
            "source": source,
            "segments": highlighted_segments(source.text, fragments),
            "fragments": fragments,
            "form": form,
            "can_code": can_code,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def fragment_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    fragment = get_object_or_404(CodedFragment, unit=access.unit, pk=pk)
    back = selectors.attach_sources([fragment], access.unit)[0].source_url
    services.fragment_delete(fragment=fragment)
    messages.success(request, gettext("The coding of the passage was removed."))
    return redirect(back) if back else redirect("research:themes", slug=slug)


# --- Export --------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "unit",
    "source_kind",
    "source",
    "field",
    "start",
    "end",
    "passage",
    "themes",
    "factors",
)


@private_download
@login_required
@require_GET
def fragments_export(request, slug):
    """All coded passages of the unit as CSV (UTF-8 with BOM so that Excel reads it)."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    fragments = selectors.fragments_for_export(unit, request.user)
    # The passages quote members' shared experiments: one entry per experiment in the
    # file, for its author (one INSERT). Session notes and materials are nobody's own.
    quoted = {
        (f.source_author_id, f.source_object_id)
        for f in fragments
        if f.source_author_id is not None
    }
    access.log(
        AccessAction.EXPORTED,
        DataKind.EXPERIMENT,
        [Accessed(person_id=author, object_id=pk) for author, pk in sorted(quoted)],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="coded-passages-{slugify(unit.slug)}-{stamp}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for f in fragments:
        themes = sorted(f.themes.all(), key=lambda t: t.name)
        writer.writerow(
            [
                neutralise(c)
                for c in (
                    unit.slug,
                    f.source_kind,
                    f.source_title,
                    f.source_field,
                    f.start,
                    f.end,
                    f.text,
                    "; ".join(t.name for t in themes),
                    "; ".join(t.factor for t in themes),
                )
            ]
        )
    return response
