"""A programme's factors: the table (computed common / contextual, with the evidence
counted), linking themes of the units, the researcher's override, and each factor's
evidence chain."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from units.access import Perm, get_programme_access, programme_access
from units.forms import form_errors_from

from ..factors import evidence_chain, factor_table, linkable_themes
from ..models import ProgrammeFactor
from ..programme import research_units_for
from ..services.evidence import (
    factor_create,
    factor_override,
    factor_set_themes,
    factors_from_theme_names,
)


class ThemeChoiceForm(forms.Form):
    """Themes read once per page; a choice shows its unit (or the programme)."""

    themes = forms.TypedMultipleChoiceField(
        label=_("Themes that are this factor"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [
            (t.pk, f"{t.unit.name if t.unit_id else gettext('Programme')}: {t.name}")
            for t in themes
        ]


class FactorForm(ThemeChoiceForm):
    name = forms.CharField(label=_("Name of the factor"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["name", "description", "themes"]


class OverrideForm(forms.ModelForm):
    class Meta:
        model = ProgrammeFactor
        fields = ["override", "override_reason"]
        widgets = {"override_reason": forms.Textarea(attrs={"rows": 2})}
        labels = {"override": _("Your answer instead of the coding's")}
        help_texts = {
            "override": _("Leave empty to follow what the coding says."),
            "override_reason": _(
                "Required with your own answer: why the coding's answer does not hold."
            ),
        }


def _may_manage(request, programme) -> bool:
    """Linking themes of several units needs the research of every unit."""
    return request.user.is_staff or programme_access(request.user, programme).can(
        Perm.MANAGE_RESEARCH
    )


@login_required
def factors(request, slug):
    access = get_programme_access(request.user, slug, Perm.VIEW_RESEARCH, in_every_unit=False)
    programme = access.programme
    units = research_units_for(request.user, programme)
    can_manage = _may_manage(request, programme)
    themes = list(linkable_themes(programme, units))
    form = FactorForm(themes=themes) if can_manage else None
    status = 200
    if request.method == "POST":
        get_programme_access(request.user, slug, Perm.MANAGE_RESEARCH)  # 403 otherwise
        if "from_names" in request.POST:
            made = factors_from_theme_names(programme=programme)
            messages.success(
                request,
                gettext("Factors made from theme names: %(n)s.") % {"n": len(made)},
            )
            return redirect("research_programme:factors", slug=slug)
        form = FactorForm(request.POST, themes=themes)
        if form.is_valid():
            by_pk = {t.pk: t for t in themes}
            try:
                factor = factor_create(
                    programme=programme,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    themes=[by_pk[pk] for pk in form.cleaned_data["themes"]],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, gettext("The factor was added."))
                return redirect("research_programme:factor", slug=slug, pk=factor.pk)
        status = 400
    return render(
        request,
        "research/factors.html",
        {
            "programme": programme,
            "units": units,
            "rows": factor_table(programme, units, request.user),
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
def factor_detail(request, slug, pk):
    access = get_programme_access(request.user, slug, Perm.VIEW_RESEARCH, in_every_unit=False)
    programme = access.programme
    factor = get_object_or_404(ProgrammeFactor, programme=programme, pk=pk)
    units = research_units_for(request.user, programme)
    can_manage = _may_manage(request, programme)
    themes = list(linkable_themes(programme, units))
    linked = [t.pk for t in themes if t.programme_factor_id == factor.pk]
    theme_form = override_form = None
    if can_manage:
        theme_form = ThemeChoiceForm(initial={"themes": linked}, themes=themes)
        override_form = OverrideForm(instance=factor)
    status = 200
    if request.method == "POST":
        get_programme_access(request.user, slug, Perm.MANAGE_RESEARCH)  # 403 otherwise
        try:
            if "override" in request.POST:
                override_form = OverrideForm(request.POST, instance=factor)
                if override_form.is_valid():
                    factor_override(
                        factor=ProgrammeFactor.objects.get(pk=factor.pk),
                        occurrence=override_form.cleaned_data["override"],
                        reason=override_form.cleaned_data["override_reason"],
                        actor=request.user,
                    )
                    messages.success(request, gettext("The factor's answer was saved."))
                    return redirect("research_programme:factor", slug=slug, pk=pk)
            else:
                theme_form = ThemeChoiceForm(request.POST, themes=themes)
                if theme_form.is_valid():
                    by_pk = {t.pk: t for t in themes}
                    factor_set_themes(
                        factor=factor, themes=[by_pk[p] for p in theme_form.cleaned_data["themes"]]
                    )
                    messages.success(request, gettext("The factor's themes were saved."))
                    return redirect("research_programme:factor", slug=slug, pk=pk)
        except ValidationError as error:
            form_errors_from(override_form if "override" in request.POST else theme_form, error)
        status = 400
    row = next(r for r in factor_table(programme, units, request.user) if r.factor.pk == factor.pk)
    return render(
        request,
        "research/factor_detail.html",
        {
            "programme": programme,
            "factor": factor,
            "row": row,
            "chains": evidence_chain(factor, units, request.user),
            "linked_themes": [t for t in themes if t.programme_factor_id == factor.pk],
            "theme_form": theme_form,
            "override_form": override_form,
            "can_manage": can_manage,
        },
        status=status,
    )
