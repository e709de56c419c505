"""The plan of action: goals, action steps, approved versions and comparing them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units.access import Perm, get_unit_access
from units.forms import form_errors_from

from .. import services
from ..forms import ActionStepForm, GoalForm, PlanApproveForm, StepStatusForm
from ..models import ActionStep, Goal, PlanVersion
from ..selectors import plan_diff, plan_goals, plan_versions
from ..services import snapshot_from_goals
from ._common import _form_page, _url


@login_required
def plan(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    unit = access.unit
    goals = list(plan_goals(unit))
    versions = list(plan_versions(unit))
    latest = versions[-1] if versions else None
    return render(
        request,
        "phases/plan.html",
        {
            "unit": unit,
            "access": access,
            "goals": goals,
            "versions": versions,
            "latest": latest,
            "draft_changed": bool(latest and latest.snapshot != snapshot_from_goals(goals)),
            "approve_form": PlanApproveForm(),
            "status_choices": ActionStep.Status.choices,
            "may_manage": access.can(Perm.MANAGE_PHASE),
        },
    )


@login_required
def goal_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    goal = get_object_or_404(Goal, pk=pk, unit=access.unit) if pk else None
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        if goal:
            services.goal_update(goal=goal, **form.cleaned_data)
        else:
            services.goal_create(unit=access.unit, **form.cleaned_data)
        messages.success(request, _("The goal is saved."))
        return redirect(_url("plan", access.unit))
    return _form_page(
        request,
        access,
        form,
        title=_("Edit goal") if goal else _("New goal"),
        back_url=_url("plan", access.unit),
    )


@login_required
@require_POST
def goal_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    services.goal_delete(goal=get_object_or_404(Goal, pk=pk, unit=access.unit))
    messages.success(request, _("The goal and its steps are removed from the plan."))
    return redirect(_url("plan", access.unit))


@login_required
def step_edit(request, slug, pk=None, goal_pk=None):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    step = None
    if pk:
        step = get_object_or_404(ActionStep, pk=pk, goal__unit=access.unit)
        goal = step.goal
    else:
        goal = get_object_or_404(Goal, pk=goal_pk, unit=access.unit)
    form = ActionStepForm(request.POST or None, instance=step, unit=access.unit)
    if request.method == "POST" and form.is_valid():
        try:
            if step:
                services.action_step_update(step=step, actor=request.user, **form.cleaned_data)
            else:
                services.action_step_create(goal=goal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The action step is saved."))
            return redirect(_url("plan", access.unit))
    return _form_page(
        request,
        access,
        form,
        title=(_("Edit action step") if step else _("New action step"))
        + f": {Truncator(goal.text).words(10)}",
        back_url=_url("plan", access.unit),
    )


@login_required
@require_POST
def step_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    step = get_object_or_404(ActionStep, pk=pk, goal__unit=access.unit)
    services.action_step_delete(step=step)
    messages.success(request, _("The action step is removed from the plan."))
    return redirect(_url("plan", access.unit))


@login_required
@require_POST
def step_status(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    step = get_object_or_404(ActionStep, pk=pk, goal__unit=access.unit)
    may_manage = access.can(Perm.MANAGE_PHASE)
    if not may_manage and step.owner_id != request.user.pk:
        raise PermissionDenied
    form = StepStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
    else:
        services.action_step_set_status(
            step=step, actor=request.user, status=form.cleaned_data["status"], may_manage=may_manage
        )
        messages.success(request, _("The status of the step is updated."))
    return redirect(_url("plan", access.unit) + f"#step-{step.pk}")


@login_required
@require_POST
def plan_approve(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    form = PlanApproveForm(request.POST)
    if form.is_valid():
        try:
            version = services.plan_approve(
                unit=access.unit, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Version %(n)s of the plan is approved.") % {"n": version.number}
            )
    return redirect(_url("plan", access.unit))


@login_required
@require_safe
def plan_version(request, slug, number):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    version = get_object_or_404(
        PlanVersion.objects.select_related("approved_by"), unit=access.unit, number=number
    )
    return render(
        request,
        "phases/plan_version.html",
        {
            "unit": access.unit,
            "access": access,
            "version": version,
            "status_labels": dict(ActionStep.Status.choices),
        },
    )


@login_required
def plan_compare(request, slug):
    """What changed between two versions; "draft" stands for the live plan."""
    access = get_unit_access(request.user, slug, Perm.VIEW)
    unit = access.unit
    versions = list(plan_versions(unit))
    if not versions:
        messages.info(request, _("No version of the plan is approved yet."))
        return redirect(_url("plan", unit))
    by_number = {str(v.number): v for v in versions}
    default_a = versions[-2].number if len(versions) > 1 else versions[-1].number
    default_b = str(versions[-1].number) if len(versions) > 1 else "draft"
    a = request.GET.get("a", str(default_a))
    b = request.GET.get("b", default_b)
    if a not in by_number or (b != "draft" and b not in by_number):
        raise Http404
    new = services.plan_snapshot(unit) if b == "draft" else by_number[b].snapshot
    return render(
        request,
        "phases/plan_diff.html",
        {
            "unit": unit,
            "access": access,
            "versions": versions,
            "a": a,
            "b": b,
            "old_version": by_number[a],
            "new_version": None if b == "draft" else by_number[b],
            "diff": plan_diff(by_number[a].snapshot, new),
            "status_labels": dict(ActionStep.Status.choices),
        },
    )
