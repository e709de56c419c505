"""Phases: overview, moving forward and back, the page per phase, history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.access import Perm, get_unit_access
from units.choices import Phase
from units.models import GROUP_SIZE_MAX, GROUP_SIZE_MIN, Membership

from .. import services
from ..criteria import evaluate_phase, group_size
from ..forms import (
    AdvanceForm,
    BaselineItemForm,
    GroupSizeReasonForm,
    MoveBackForm,
    ProjectDesignForm,
)
from ..models import BaselineItem, Goal, Product, ProjectDesign
from ..selectors import phase_timeline, plan_versions, unit_history
from ._common import _form_page, _url


def _overview(request, access, advance_form=None, back_form=None, status=200):
    unit = access.unit
    timeline = phase_timeline(unit)
    initial = {"expected_phase": unit.phase}
    return render(
        request,
        "phases/overview.html",
        {
            "unit": unit,
            "access": access,
            "timeline": timeline,
            "advance_form": advance_form or AdvanceForm(initial=initial),
            "back_form": back_form or MoveBackForm(initial=initial),
            "is_last": unit.phase == Phase.OUTCOMES,
            "is_first": unit.phase == Phase.AMBITION,
        },
        status=status,
    )


@login_required
def overview(request, slug):
    return _overview(request, get_unit_access(request.user, slug, Perm.VIEW))


def _change_phase(request, slug, *, form_class, form_name, move, done_message):
    """Advance or move back: the same form handling, another service and message."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            transition = move(unit=access.unit, actor=request.user, **form.cleaned_data)
        except services.PhaseTransitionRefused as exc:
            form.add_error(None, exc.messages)
        else:
            label = Phase(transition.to_phase).label
            messages.success(request, done_message % {"n": transition.to_phase, "label": label})
            return redirect(_url("overview", access.unit))
    return _overview(request, access, **{form_name: form}, status=400)


@login_required
@require_POST
def advance(request, slug):
    return _change_phase(
        request,
        slug,
        form_class=AdvanceForm,
        form_name="advance_form",
        move=services.phase_advance,
        done_message=_("The unit is now in phase %(n)s: %(label)s."),
    )


@login_required
@require_POST
def move_back(request, slug):
    return _change_phase(
        request,
        slug,
        form_class=MoveBackForm,
        form_name="back_form",
        move=services.phase_move_back,
        done_message=_("The unit is back in phase %(n)s: %(label)s."),
    )


@login_required
def phase_detail(request, slug, number):
    if number not in Phase.values:
        raise Http404
    perm = Perm.MANAGE_PHASE if request.method == "POST" else Perm.VIEW
    access = get_unit_access(request.user, slug, perm)
    unit = access.unit
    design = ProjectDesign.objects.filter(unit=unit).first()
    reason_form = baseline_form = None
    if access.can(Perm.MANAGE_PHASE):
        reason_form = GroupSizeReasonForm(instance=design)
        baseline_form = BaselineItemForm()
    if request.method == "POST":
        if number == Phase.SELECTION:
            reason_form = GroupSizeReasonForm(request.POST, instance=design)
            if reason_form.is_valid():
                services.project_design_save(
                    unit=unit,
                    actor=request.user,
                    group_size_reason=reason_form.cleaned_data["group_size_reason"],
                )
                messages.success(request, _("The reason is saved."))
                return redirect(_url("phase", unit, number=number))
        elif number == Phase.BASELINE:
            baseline_form = BaselineItemForm(request.POST)
            if baseline_form.is_valid():
                services.baseline_item_create(
                    unit=unit, actor=request.user, **baseline_form.cleaned_data
                )
                messages.success(request, _("Added to the baseline assessment."))
                return redirect(_url("phase", unit, number=number))
        else:
            raise Http404
    context = {
        "unit": unit,
        "access": access,
        "phase": Phase(number),
        "phase_choices": Phase.choices,
        "criteria": evaluate_phase(unit, number),
        "design": design,
        "reason_form": reason_form,
        "baseline_form": baseline_form,
    }
    if number == Phase.SELECTION:
        context["memberships"] = (
            Membership.objects.current().filter(unit=unit).select_related("user")
        )
        context["group_size"] = group_size(unit)
        context["group_min"], context["group_max"] = GROUP_SIZE_MIN, GROUP_SIZE_MAX
    elif number == Phase.BASELINE:
        items = list(BaselineItem.objects.filter(unit=unit).select_related("created_by"))
        context["strengths"] = [i for i in items if i.kind == BaselineItem.Kind.STRENGTH]
        context["improvements"] = [i for i in items if i.kind == BaselineItem.Kind.IMPROVEMENT]
    elif number in (Phase.PLAN, Phase.REALIZATION):
        context["versions"] = list(plan_versions(unit))
        context["goal_count"] = Goal.objects.filter(unit=unit).count()
    elif number == Phase.OUTCOMES:
        context["products"] = Product.objects.filter(unit=unit)
    status = 400 if request.method == "POST" else 200
    return render(request, "phases/phase_detail.html", context, status=status)


@login_required
def design_edit(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    design = ProjectDesign.objects.filter(unit=access.unit).first()
    # The unit's meeting cadence (set when it was made) is where the design starts from.
    initial = {"cadence_weeks": access.unit.cadence_weeks}
    if design and design.cadence_weeks:
        initial = {}
    form = ProjectDesignForm(request.POST or None, instance=design, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_design_save(unit=access.unit, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The project design is saved."))
        return redirect(_url("phase", access.unit, number=Phase.AMBITION))
    return _form_page(
        request,
        access,
        form,
        title=_("Ambition and project design"),
        back_url=_url("phase", access.unit, number=Phase.AMBITION),
    )


@login_required
@require_POST
def baseline_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    item = get_object_or_404(BaselineItem, pk=pk, unit=access.unit)
    services.baseline_item_delete(item=item)
    messages.success(request, _("Removed from the baseline assessment."))
    return redirect(_url("phase", access.unit, number=Phase.BASELINE))


@login_required
def history(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_HISTORY)
    return render(
        request,
        "phases/history.html",
        {
            "unit": access.unit,
            "access": access,
            "entries": unit_history(access.unit, request.user),
        },
    )
