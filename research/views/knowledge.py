"""Knowledge sources counted per phase, and the measures each goal aims at."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from phases.models import Goal
from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from ..knowledge import knowledge_of_unit, knowledge_totals, source_labels
from ..models import GoalMeasure, Measure
from ..services.evidence import goal_measures_set


@login_required
@require_GET
def knowledge(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    rows = knowledge_of_unit(access.unit, request.user)
    return render(
        request,
        "research/knowledge.html",
        {
            "unit": access.unit,
            "access": access,
            "section": "knowledge",
            "rows": rows,
            "source_labels": source_labels(),
            "totals": knowledge_totals(rows),
        },
    )


class GoalMeasuresForm(forms.Form):
    """The measures are read once per page (one list for every goal's form)."""

    goal = forms.IntegerField(widget=forms.HiddenInput)
    measures = forms.TypedMultipleChoiceField(
        label=_("Measures this goal aims at"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [(m.pk, f"{m.label} ({m.code})") for m in measures]


@login_required
def goal_measures(request, slug):
    """Every goal of the plan with the measures it aims at; researchers link them."""
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    can_manage = access.can(Perm.MANAGE_RESEARCH)
    measures = list(Measure.objects.filter(unit=unit))
    by_pk = {m.pk: m for m in measures}
    failed = None
    if request.method == "POST":
        access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)  # 403 otherwise
        form = GoalMeasuresForm(request.POST, measures=measures)
        if form.is_valid():
            goal = get_object_or_404(Goal, unit=unit, pk=form.cleaned_data["goal"])
            try:
                goal_measures_set(
                    goal=goal, measures=[by_pk[pk] for pk in form.cleaned_data["measures"]]
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, gettext("The measures of the goal were saved."))
                return redirect("research:goal_measures", slug=slug)
        failed = form
    goals = list(Goal.objects.filter(unit=unit))
    linked = {}
    for link in GoalMeasure.objects.filter(goal__unit=unit).select_related("measure"):
        linked.setdefault(link.goal_id, []).append(link.measure)
    rows = []
    for goal in goals:
        form = None
        if can_manage:
            if failed is not None and str(failed.data.get("goal")) == str(goal.pk):
                form = failed
            else:
                form = GoalMeasuresForm(
                    initial={"goal": goal.pk, "measures": [m.pk for m in linked.get(goal.pk, [])]},
                    measures=measures,
                )
        rows.append({"goal": goal, "measures": linked.get(goal.pk, []), "form": form})
    return render(
        request,
        "research/goal_measures.html",
        {
            "unit": unit,
            "access": access,
            "section": "knowledge",
            "rows": rows,
            "can_manage": can_manage,
            "has_measures": bool(measures),
        },
        status=400 if failed is not None else 200,
    )
