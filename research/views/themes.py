"""Themes: the code list of a unit (and its programme), and the passages per theme."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from .. import selectors
from ..coding_forms import ThemeForm
from ..models import Theme
from ..services.coding import theme_create, theme_update


@login_required
def themes(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    can_code = access.can(Perm.MANAGE_RESEARCH)
    form = None
    if can_code or request.method == "POST":
        if not can_code:
            get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # raises 403
        form = ThemeForm(request.POST or None, has_programme=bool(unit.programme_id))
    if request.method == "POST" and form.is_valid():
        try:
            theme_create(
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
            "themes": list(selectors.themes_with_counts(unit, request.user)),
            "form": form,
            "can_code": can_code,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def theme_detail(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    theme = selectors.get_theme(unit, pk)
    return render(
        request,
        "research/theme_detail.html",
        {
            "unit": unit,
            "access": access,
            "theme": theme,
            "fragments": selectors.theme_fragments(unit, theme, request.user),
            "can_code": access.can(Perm.MANAGE_RESEARCH),
        },
    )


@login_required
def theme_edit(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    theme = selectors.get_theme(access.unit, pk)
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        try:
            theme_update(
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
