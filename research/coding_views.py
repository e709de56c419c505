"""Qualitative material and coding: materials, coding a source, themes, export."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from bpu.downloads import private_download
from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from . import coding
from .coding_forms import CodingForm, MaterialForm, ThemeForm
from .exporting import neutralise
from .models import CodedFragment, Material, Theme

# --- Materials -----------------------------------------------------------------------


@require_GET
def materials(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    sources = coding.codable_sources(access.unit)
    return render(
        request,
        "research/materials.html",
        {
            "unit": access.unit,
            "access": access,
            "materials": sources.get("material", []),
            "sessions": sources.get("session", []),
            "experiments": sources.get("experiment", []),
            "can_code": access.can(Perm.MANAGE_RESEARCH),
        },
    )


def material_add(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        material = coding.material_create(unit=access.unit, actor=request.user, **form.cleaned_data)
        messages.success(request, gettext("The material was added. Select passages to code."))
        return redirect(
            "research:code_source", slug=slug, kind="material", pk=material.pk, field="text"
        )
    return render(
        request,
        "research/material_form.html",
        {"unit": access.unit, "access": access, "form": form, "material": None},
    )


def material_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    material = get_object_or_404(Material, unit=access.unit, pk=pk)
    form = MaterialForm(request.POST or None, instance=material)
    if request.method == "POST" and form.is_valid():
        try:
            coding.material_update(material=Material.objects.get(pk=pk), **form.cleaned_data)
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


def code_source(request, slug, kind, pk, field):
    """A source text with its coded passages; researchers select and tag passages here."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    source = coding.get_source(unit, kind, pk, field)
    can_code = access.can(Perm.MANAGE_RESEARCH)
    form = None
    if can_code or request.method == "POST":
        if not can_code:
            get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # raises 403
        form = CodingForm(request.POST or None, themes_queryset=coding.themes_for_unit(unit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            coding.fragment_create(
                source=source,
                actor=request.user,
                passage=data["passage"],
                start=data.get("start"),
                end=data.get("end"),
                themes=list(data["themes"]),
                new_theme_names=data["new_themes"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The passage was coded."))
            return redirect(source.coding_url())
    fragments = list(coding.fragments_of(source))
    return render(
        request,
        "research/code_source.html",
        {
            "unit": unit,
            "access": access,
            "source": source,
            "segments": coding.highlighted_segments(source.text, fragments),
            "fragments": fragments,
            "form": form,
            "can_code": can_code,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def fragment_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    fragment = get_object_or_404(CodedFragment, unit=access.unit, pk=pk)
    back = coding.attach_sources([fragment], access.unit)[0].source_url
    coding.fragment_delete(fragment=fragment)
    messages.success(request, gettext("The coding of the passage was removed."))
    return redirect(back) if back else redirect("research:themes", slug=slug)


# --- Themes ------------------------------------------------------------------------------


def themes(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    can_code = access.can(Perm.MANAGE_RESEARCH)
    form = None
    if can_code or request.method == "POST":
        if not can_code:
            get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
        form = ThemeForm(request.POST or None, has_programme=bool(unit.programme_id))
    if request.method == "POST" and form.is_valid():
        try:
            coding.theme_create(
                unit=unit,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                factor=form.cleaned_data["factor"],
                for_programme=form.cleaned_data.get("for_programme", False),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The theme was added."))
            return redirect("research:themes", slug=slug)
    return render(
        request,
        "research/themes.html",
        {
            "unit": unit,
            "access": access,
            "themes": list(coding.themes_with_counts(unit)),
            "form": form,
            "can_code": can_code,
        },
        status=400 if request.method == "POST" else 200,
    )


def _unit_theme(unit, pk) -> Theme:
    theme = coding.themes_for_unit(unit).filter(pk=pk).first()
    if theme is None:
        raise Http404
    return theme


@require_GET
def theme_detail(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    theme = _unit_theme(unit, pk)
    fragments = list(
        coding.visible_fragments(unit)
        .filter(themes=theme)
        .prefetch_related("themes")
        .order_by("created_at", "id")
    )
    coding.attach_sources(fragments, unit)
    for f in fragments:
        f.other_themes = [t for t in f.themes.all() if t.pk != theme.pk]
    return render(
        request,
        "research/theme_detail.html",
        {
            "unit": unit,
            "access": access,
            "theme": theme,
            "fragments": fragments,
            "can_code": access.can(Perm.MANAGE_RESEARCH),
        },
    )


def theme_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    theme = _unit_theme(access.unit, pk)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            coding.theme_update(
                theme=Theme.objects.get(pk=pk),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                factor=form.cleaned_data["factor"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The theme was saved."))
            return redirect("research:theme_detail", slug=slug, pk=pk)
    return render(
        request,
        "research/theme_form.html",
        {"unit": access.unit, "access": access, "form": form, "theme": theme},
    )


# --- Export --------------------------------------------------------------------------------


@private_download
@require_GET
def fragments_export(request, slug):
    """All coded passages of the unit as CSV (UTF-8 with BOM so that Excel reads it)."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    fragments = list(
        coding.visible_fragments(unit)
        .prefetch_related("themes")
        .order_by("content_type_id", "object_id", "source_field", "start", "id")
    )
    coding.attach_sources(fragments, unit)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="coded-passages-{slugify(unit.slug)}-{stamp}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["unit", "source_kind", "source", "field", "start", "end", "passage", "themes", "factors"]
    )
    for f in fragments:
        themes_ = sorted(f.themes.all(), key=lambda t: t.name)
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
                    "; ".join(t.name for t in themes_),
                    "; ".join(t.factor for t in themes_),
                )
            ]
        )
    return response
