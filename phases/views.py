"""Pages of the phases app. Every view gets the unit through units.access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.access import Perm, get_unit_access
from units.models import GROUP_SIZE_MAX, GROUP_SIZE_MIN, Membership

from . import services
from .choices import Phase
from .criteria import evaluate_phase, group_size
from .forms import (
    ActionStepForm,
    AdvanceForm,
    BaselineItemForm,
    CommentForm,
    DisseminationForm,
    ExperimentForm,
    GoalForm,
    GroupSizeReasonForm,
    MoveBackForm,
    PlanApproveForm,
    ProductFileForm,
    ProductForm,
    ProjectDesignForm,
    StepStatusForm,
)
from .models import (
    ActionStep,
    BaselineItem,
    Dissemination,
    Experiment,
    Goal,
    PlanVersion,
    Product,
    ProductFile,
    ProjectDesign,
)
from .selectors import (
    experiment_activity,
    experiments_for,
    phase_timeline,
    plan_diff,
    plan_goals,
    plan_versions,
    unit_history,
)
from .services import snapshot_from_goals


def _url(name, unit, **kwargs):
    return reverse(f"phases:{name}", kwargs={"slug": unit.slug, **kwargs})


def _apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form (on the field it names, if it has one)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _form_page(request, access, form, *, title, back_url, submit=None, multipart=False):
    return render(
        request,
        "phases/form.html",
        {
            "unit": access.unit,
            "access": access,
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit": submit or _("Save"),
            "multipart": multipart,
        },
    )


# --- Phases ---------------------------------------------------------------------


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


@login_required
@require_POST
def advance(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            transition = services.phase_advance(
                unit=access.unit,
                actor=request.user,
                justification=form.cleaned_data["justification"],
                expected_phase=form.cleaned_data["expected_phase"],
            )
        except services.PhaseTransitionRefused as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The unit is now in phase %(n)s: %(label)s.")
                % {"n": transition.to_phase, "label": Phase(transition.to_phase).label},
            )
            return redirect(_url("overview", access.unit))
    return _overview(request, access, advance_form=form, status=400)


@login_required
@require_POST
def move_back(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    form = MoveBackForm(request.POST)
    if form.is_valid():
        try:
            transition = services.phase_move_back(
                unit=access.unit,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_phase=form.cleaned_data["expected_phase"],
            )
        except services.PhaseTransitionRefused as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The unit is back in phase %(n)s: %(label)s.")
                % {"n": transition.to_phase, "label": Phase(transition.to_phase).label},
            )
            return redirect(_url("overview", access.unit))
    return _overview(request, access, back_form=form, status=400)


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
    form = ProjectDesignForm(request.POST or None, instance=design)
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


# --- The plan of action ---------------------------------------------------------


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
                services.action_step_update(step=step, **form.cleaned_data)
            else:
                services.action_step_create(goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The action step is saved."))
            return redirect(_url("plan", access.unit))
    return _form_page(
        request,
        access,
        form,
        title=(_("Edit action step") if step else _("New action step")) + f": {goal.text[:60]}",
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


# --- Practice experiments -------------------------------------------------------


@login_required
def experiments(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    items = experiments_for(access.unit, request.user)
    mine = request.GET.get("mine") == "1"
    if mine:
        items = items.filter(author=request.user)
    return render(
        request,
        "phases/experiments.html",
        {"unit": access.unit, "access": access, "experiments": items, "mine": mine},
    )


def _visible_experiment(access, user, pk):
    experiment = get_object_or_404(
        Experiment.objects.select_related("author", "goal"), pk=pk, unit=access.unit
    )
    # A private draft is its author's alone: for others it does not exist.
    if not experiment.is_shared and experiment.author_id != user.pk:
        raise Http404
    return experiment


@login_required
def experiment_detail(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    experiment = _visible_experiment(access, request.user, pk)
    comments = experiment.comments.select_related("author")
    return render(
        request,
        "phases/experiment_detail.html",
        {
            "unit": access.unit,
            "access": access,
            "experiment": experiment,
            "comments": comments,
            "comment_form": CommentForm(),
            "may_comment": access.can(Perm.CONTRIBUTE) and experiment.is_shared,
            "is_author": experiment.author_id == request.user.pk,
        },
    )


@login_required
def experiment_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = None
    if pk:
        experiment = _visible_experiment(access, request.user, pk)
        if experiment.author_id != request.user.pk:
            raise PermissionDenied
    form = ExperimentForm(request.POST or None, instance=experiment, unit=access.unit)
    if request.method == "POST" and form.is_valid():
        try:
            if experiment:
                experiment = services.experiment_update(
                    experiment=experiment, actor=request.user, **form.cleaned_data
                )
            else:
                experiment = services.experiment_create(
                    unit=access.unit, author=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your experiment is saved."))
            return redirect(_url("experiment_detail", access.unit, pk=experiment.pk))
    return _form_page(
        request,
        access,
        form,
        title=_("Edit practice experiment") if experiment else _("Log a practice experiment"),
        back_url=_url("experiments", access.unit),
    )


@login_required
@require_POST
def experiment_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = _visible_experiment(access, request.user, pk)
    services.experiment_delete(experiment=experiment, actor=request.user)
    messages.success(request, _("The experiment is deleted."))
    return redirect(_url("experiments", access.unit))


@login_required
@require_POST
def experiment_comment(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    experiment = _visible_experiment(access, request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.experiment_comment_create(
            experiment=experiment, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your response is posted."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(_url("experiment_detail", access.unit, pk=pk) + "#comments")


@login_required
def experiment_activity_view(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    months, rows = experiment_activity(access.unit)
    return render(
        request,
        "phases/experiment_activity.html",
        {"unit": access.unit, "access": access, "months": months, "rows": rows},
    )


# --- Products and dissemination -------------------------------------------------


@login_required
def products(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    unit = access.unit
    return render(
        request,
        "phases/products.html",
        {
            "unit": unit,
            "access": access,
            "products": Product.objects.filter(unit=unit).prefetch_related("files"),
            "disseminations": Dissemination.objects.filter(unit=unit).select_related("product"),
        },
    )


@login_required
def product_edit(request, slug, pk=None):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    product = get_object_or_404(Product, pk=pk, unit=access.unit) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        if product:
            product = services.product_update(product=product, **form.cleaned_data)
        else:
            product = services.product_create(
                unit=access.unit, actor=request.user, **form.cleaned_data
            )
        messages.success(request, _("The product is saved."))
        return redirect(_url("product_detail", access.unit, pk=product.pk))
    return _form_page(
        request,
        access,
        form,
        title=_("Edit product") if product else _("New product"),
        back_url=_url("products", access.unit),
    )


@login_required
def product_detail(request, slug, pk):
    perm = Perm.MANAGE_PHASE if request.method == "POST" else Perm.VIEW
    access = get_unit_access(request.user, slug, perm)
    product = get_object_or_404(Product, pk=pk, unit=access.unit)
    form = ProductFileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.product_file_add(
                    product=product, actor=request.user, upload=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, _("The file is added."))
                return redirect(_url("product_detail", access.unit, pk=pk))
        status = 400
    return render(
        request,
        "phases/product_detail.html",
        {
            "unit": access.unit,
            "access": access,
            "product": product,
            "files": product.files.select_related("uploaded_by"),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def product_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    services.product_delete(product=get_object_or_404(Product, pk=pk, unit=access.unit))
    messages.success(request, _("The product is deleted."))
    return redirect(_url("products", access.unit))


@login_required
def product_file_download(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.VIEW)
    product_file = get_object_or_404(ProductFile, pk=pk, product__unit=access.unit)
    try:
        handle = product_file.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=product_file.original_name,
        content_type=product_file.content_type,
    )


@login_required
@require_POST
def product_file_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    product_file = get_object_or_404(ProductFile, pk=pk, product__unit=access.unit)
    product_pk = product_file.product_id
    services.product_file_delete(product_file=product_file)
    messages.success(request, _("The file is deleted."))
    return redirect(_url("product_detail", access.unit, pk=product_pk))


@login_required
def dissemination_create(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    form = DisseminationForm(request.POST or None, unit=access.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissemination_create(unit=access.unit, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The dissemination activity is saved."))
            return redirect(_url("products", access.unit) + "#dissemination")
    return _form_page(
        request,
        access,
        form,
        title=_("New dissemination activity"),
        back_url=_url("products", access.unit),
    )


@login_required
@require_POST
def dissemination_delete(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_PHASE)
    activity = get_object_or_404(Dissemination, pk=pk, unit=access.unit)
    services.dissemination_delete(activity=activity)
    messages.success(request, _("The dissemination activity is deleted."))
    return redirect(_url("products", access.unit) + "#dissemination")


# --- History --------------------------------------------------------------------


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
