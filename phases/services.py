"""Writes of the phases app. The unit's phase changes here and nowhere else."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units import registry
from units.choices import Phase
from units.files import store_upload
from units.models import Membership, Session, Unit
from units.updates import apply_changes

from .choices import checked_knowledge_sources
from .criteria import unmet_criteria
from .models import (
    ActionStep,
    BaselineItem,
    Dissemination,
    Experiment,
    ExperimentAttachment,
    ExperimentComment,
    Goal,
    PhaseTransition,
    PlanVersion,
    Product,
    ProductFile,
    ProjectDesign,
)

# The same comment by the same person within this time is one comment sent twice.
REPEATED_SUBMISSION_WINDOW = timedelta(minutes=10)


class PhaseTransitionRefused(ValidationError):
    """An advance that may not happen; ``missing`` holds the unmet criteria (if any)."""

    def __init__(self, messages, missing=()):
        super().__init__(messages)
        self.missing = list(missing)


# --- Phase transitions ----------------------------------------------------------


def _lock(unit: Unit) -> Unit:
    return Unit.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def phase_advance(
    *,
    unit: Unit,
    actor,
    justification: str = "",
    overrides=None,
    expected_phase: int | None = None,
    at=None,
) -> PhaseTransition:
    """Move the unit to the next phase.

    Every unmet exit criterion of the current phase must be overridden with a
    written justification; ``overrides`` (criterion codes) defaults to all of the
    unmet ones when a justification is given. Refused with the list of what is
    missing otherwise.
    """
    locked = _lock(unit)
    if expected_phase is not None and locked.phase != expected_phase:
        raise PhaseTransitionRefused(
            [_("The unit's phase was changed meanwhile; look at the phase again.")]
        )
    if locked.phase >= Phase.OUTCOMES:
        raise PhaseTransitionRefused([_("The unit is already in the last phase.")])
    justification = (justification or "").strip()
    unmet = unmet_criteria(locked)
    overrides = {r.code for r in unmet} if overrides is None else set(overrides)
    not_covered = [r for r in unmet if r.code not in overrides or not justification]
    if not_covered:
        messages = [_("Not met yet: %(criterion)s") % {"criterion": r.label} for r in not_covered]
        messages.append(
            _("Give a justification to advance anyway; it is recorded in the phase history.")
        )
        raise PhaseTransitionRefused(messages, missing=not_covered)
    transition = PhaseTransition.objects.create(
        unit=locked,
        from_phase=locked.phase,
        to_phase=locked.phase + 1,
        direction=PhaseTransition.Direction.ADVANCE,
        actor=actor,
        at=at or timezone.now(),
        overridden=[{"code": r.code, "label": str(r.label)} for r in unmet],
        justification=justification if unmet else "",
    )
    _set_phase(unit, locked, transition.to_phase)
    registry.emit("phase.changed", transition=transition)
    return transition


@transaction.atomic
def phase_move_back(
    *, unit: Unit, actor, reason: str, expected_phase: int | None = None, at=None
) -> PhaseTransition:
    """Move the unit back one phase, with the reason recorded."""
    locked = _lock(unit)
    if expected_phase is not None and locked.phase != expected_phase:
        raise PhaseTransitionRefused(
            [_("The unit's phase was changed meanwhile; look at the phase again.")]
        )
    if locked.phase <= Phase.AMBITION:
        raise PhaseTransitionRefused([_("The unit is in the first phase already.")])
    reason = (reason or "").strip()
    if not reason:
        raise PhaseTransitionRefused([_("Say why the unit goes back a phase.")])
    transition = PhaseTransition.objects.create(
        unit=locked,
        from_phase=locked.phase,
        to_phase=locked.phase - 1,
        direction=PhaseTransition.Direction.BACK,
        actor=actor,
        at=at or timezone.now(),
        justification=reason,
    )
    _set_phase(unit, locked, transition.to_phase)
    registry.emit("phase.changed", transition=transition)
    return transition


def _set_phase(unit: Unit, locked: Unit, phase: int) -> None:
    locked.phase = phase
    locked.save(update_fields=["phase"])
    unit.phase = phase  # the caller's object stays truthful
    # A session records the phase it took place in: those still to come will take
    # place in the new one, those held keep theirs.
    Session.objects.filter(unit=locked, starts_at__gte=timezone.now()).update(phase=phase)


# --- Phase 1-3 content ----------------------------------------------------------

DESIGN_FIELDS = (
    "ambition",
    "urgency",
    "duration_months",
    "cadence_weeks",
    "research_design",
    "management_support",
    "mandate_hours_per_month",
    "permission_to_experiment",
    "group_size_reason",
)
DESIGN_UPDATABLE = (*DESIGN_FIELDS, "updated_by")


@transaction.atomic
def project_design_save(*, unit: Unit, actor, **fields) -> ProjectDesign:
    design, _created = ProjectDesign.objects.get_or_create(unit=unit)
    changed = apply_changes(design, {**fields, "updated_by": actor}, allowed=DESIGN_UPDATABLE)
    design.save(update_fields=changed)
    # One cadence: the design's is the one the unit plans its sessions by.
    if design.cadence_weeks and design.cadence_weeks != unit.cadence_weeks:
        unit.cadence_weeks = design.cadence_weeks
        unit.save(update_fields=["cadence_weeks"])
    return design


@transaction.atomic
def baseline_item_create(
    *,
    unit: Unit,
    actor,
    kind: str,
    text: str,
    knowledge_source: str,
    knowledge_reference: str = "",
):
    item = BaselineItem(
        unit=unit,
        kind=kind,
        text=text,
        knowledge_source=knowledge_source,
        knowledge_reference=knowledge_reference,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def baseline_item_delete(*, item: BaselineItem) -> None:
    item.delete()


# --- The plan of action ---------------------------------------------------------


def _check_owner(unit: Unit, owner) -> None:
    if (
        owner is not None
        and not Membership.objects.current().filter(unit=unit, user=owner).exists()
    ):
        raise ValidationError({"owner": _("The owner of a step must be a member of the unit.")})


@transaction.atomic
def goal_create(
    *,
    unit: Unit,
    text: str,
    target: str = "",
    order: int | None = None,
    knowledge_sources=(),
    knowledge_reference: str = "",
) -> Goal:
    if order is None:
        order = Goal.objects.filter(unit=unit).count() + 1
    return Goal.objects.create(
        unit=unit,
        text=text,
        target=target,
        order=order,
        knowledge_sources=checked_knowledge_sources(knowledge_sources),
        knowledge_reference=knowledge_reference,
    )


GOAL_UPDATABLE = ("text", "target", "order", "knowledge_sources", "knowledge_reference")


@transaction.atomic
def goal_update(*, goal: Goal, **fields) -> Goal:
    if "knowledge_sources" in fields:
        fields["knowledge_sources"] = checked_knowledge_sources(fields["knowledge_sources"])
    goal.save(update_fields=apply_changes(goal, fields, allowed=GOAL_UPDATABLE))
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    goal.delete()


@transaction.atomic
def action_step_create(
    *,
    goal: Goal,
    what: str,
    owner=None,
    due_date=None,
    status=ActionStep.Status.OPEN,
    actor=None,
    knowledge_sources=(),
    knowledge_reference: str = "",
) -> ActionStep:
    _check_owner(goal.unit, owner)
    order = ActionStep.objects.filter(goal=goal).count() + 1
    step = ActionStep.objects.create(
        goal=goal,
        what=what,
        owner=owner,
        due_date=due_date,
        status=status,
        order=order,
        knowledge_sources=checked_knowledge_sources(knowledge_sources),
        knowledge_reference=knowledge_reference,
    )
    if owner is not None:
        registry.emit("action_step.assigned", step=step, actor=actor)
    return step


STEP_UPDATABLE = (
    "what",
    "owner",
    "due_date",
    "status",
    "goal",
    "knowledge_sources",
    "knowledge_reference",
)


@transaction.atomic
def action_step_update(*, step: ActionStep, actor=None, **fields) -> ActionStep:
    if "owner" in fields:
        _check_owner(step.goal.unit, fields["owner"])
    # From the row: a model form has already set the new owner on ``step``.
    owner_before = ActionStep.objects.filter(pk=step.pk).values_list("owner_id", flat=True).first()
    if "knowledge_sources" in fields:
        fields["knowledge_sources"] = checked_knowledge_sources(fields["knowledge_sources"])
    changed = apply_changes(step, fields, allowed=STEP_UPDATABLE)
    step.save(update_fields=changed)
    if step.owner_id is not None and step.owner_id != owner_before:
        registry.emit("action_step.assigned", step=step, actor=actor)
    return step


@transaction.atomic
def action_step_delete(*, step: ActionStep) -> None:
    step.delete()


@transaction.atomic
def action_step_set_status(*, step: ActionStep, actor, status: str, may_manage: bool = False):
    """A member updates the status of their own step; facilitators of any step."""
    if not may_manage and step.owner_id != actor.pk:
        raise PermissionDenied(_("Only the owner of a step can change its status."))
    if status not in ActionStep.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    step.status = status
    step.save(update_fields=["status"])
    return step


def plan_snapshot(unit: Unit) -> dict:
    """The live plan as plain data (what a plan version freezes). Two queries."""
    return snapshot_from_goals(Goal.objects.filter(unit=unit).prefetch_related("steps__owner"))


def snapshot_from_goals(goals) -> dict:
    """Plain data of goals whose steps (and their owners) are already loaded."""
    return {
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "target": goal.target,
                "steps": [
                    {
                        "id": step.pk,
                        "what": step.what,
                        "owner": step.owner.get_full_name() if step.owner else "",
                        "due_date": step.due_date.isoformat() if step.due_date else "",
                        "status": step.status,
                    }
                    for step in goal.steps.all()
                ],
            }
            for goal in goals
        ]
    }


@transaction.atomic
def plan_approve(*, unit: Unit, actor, reason: str = "", at=None) -> PlanVersion:
    """Freeze the live plan as the next version. From version 2 on, a reason is required."""
    _lock(unit)  # two facilitators approving at once must not both get the same number
    last = PlanVersion.objects.filter(unit=unit).order_by("-number").first()
    snapshot = plan_snapshot(unit)
    reason = (reason or "").strip()
    if not snapshot["goals"]:
        raise ValidationError(_("The plan has no goals yet: add a goal before approving."))
    if last is not None:
        if not reason:
            raise ValidationError(
                {"reason": _("Say why the plan changed since version %(n)s.") % {"n": last.number}}
            )
        if last.snapshot == snapshot:
            raise ValidationError(
                _("Nothing changed since version %(n)s: there is nothing to approve.")
                % {"n": last.number}
            )
    return PlanVersion.objects.create(
        unit=unit,
        number=(last.number + 1) if last else 1,
        approved_by=actor,
        approved_at=at or timezone.now(),
        reason=reason,
        snapshot=snapshot,
    )


# --- Practice experiments -------------------------------------------------------

EXPERIMENT_FIELDS = (
    "title",
    "date",
    "goal",
    "situation",
    "tried",
    "happened",
    "learned",
    "next_steps",
    "knowledge_sources",
    "knowledge_reference",
    "visibility",
)


def _check_goal(unit: Unit, goal) -> None:
    if goal is not None and goal.unit_id != unit.pk:
        raise ValidationError({"goal": _("Choose a goal of this unit.")})


@transaction.atomic
def experiment_create(*, unit: Unit, author, **fields) -> Experiment:
    _check_goal(unit, fields.get("goal"))
    if "knowledge_sources" in fields:
        fields["knowledge_sources"] = checked_knowledge_sources(fields["knowledge_sources"])
    experiment = Experiment(unit=unit, author=author)
    for name in EXPERIMENT_FIELDS:
        if name in fields:
            setattr(experiment, name, fields[name])
    experiment.save()
    return experiment


@transaction.atomic
def experiment_update(*, experiment: Experiment, actor, **fields) -> Experiment:
    if experiment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can change an experiment."))
    _check_goal(experiment.unit, fields.get("goal"))
    if "knowledge_sources" in fields:
        fields["knowledge_sources"] = checked_knowledge_sources(fields["knowledge_sources"])
    experiment.save(update_fields=apply_changes(experiment, fields, allowed=EXPERIMENT_FIELDS))
    return experiment


@transaction.atomic
def experiment_delete(*, experiment: Experiment, actor) -> None:
    if experiment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can delete an experiment."))
    experiment.delete()  # its attachments' files go too (models, post_delete)


@transaction.atomic
def experiment_attachment_add(*, experiment: Experiment, actor, upload) -> ExperimentAttachment:
    """The author adds a file (a photo, a handout): the same checks as a product's files."""
    if experiment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can add files to an experiment."))
    attachment = ExperimentAttachment(experiment=experiment, uploaded_by=actor)
    store_upload(attachment, upload)
    return attachment


@transaction.atomic
def experiment_attachment_delete(*, attachment: ExperimentAttachment, actor) -> None:
    if attachment.experiment.author_id != actor.pk:
        raise PermissionDenied(_("Only the author can remove files from an experiment."))
    attachment.delete()


@transaction.atomic
def experiment_comment_create(*, experiment: Experiment, author, text: str):
    if not experiment.is_shared:
        raise PermissionDenied(_("Only shared experiments can be commented on."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    # A form sent twice (a double click, a resend after a slow answer) is one comment:
    # the experiment is locked, so two sends at once see each other.
    Experiment.objects.select_for_update().filter(pk=experiment.pk).first()
    repeat = (
        ExperimentComment.objects.filter(
            experiment=experiment,
            author=author,
            text=text,
            created_at__gte=timezone.now() - REPEATED_SUBMISSION_WINDOW,
        )
        .order_by("-pk")
        .first()
    )
    if repeat is not None:
        return repeat
    comment = ExperimentComment.objects.create(experiment=experiment, author=author, text=text)
    registry.emit("experiment.commented", comment=comment)
    return comment


# --- Products and dissemination -------------------------------------------------


@transaction.atomic
def product_create(*, unit: Unit, actor, kind: str, title: str, description: str = ""):
    product = Product(unit=unit, kind=kind, title=title, description=description, created_by=actor)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, **fields) -> Product:
    changed = apply_changes(product, fields, allowed=("kind", "title", "description"))
    product.full_clean()
    product.save(update_fields=changed)
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    for product_file in product.files.all():
        _delete_stored_file(product_file)
    product.delete()


@transaction.atomic
def product_file_add(*, product: Product, actor, upload) -> ProductFile:
    """Store an uploaded file after checking its size, extension and actual content."""
    product_file = ProductFile(product=product, uploaded_by=actor)
    store_upload(product_file, upload)
    return product_file


def _delete_stored_file(product_file: ProductFile) -> None:
    storage, name = product_file.file.storage, product_file.file.name
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def product_file_delete(*, product_file: ProductFile) -> None:
    _delete_stored_file(product_file)
    product_file.delete()


@transaction.atomic
def dissemination_create(*, unit: Unit, **fields) -> Dissemination:
    if fields.get("product") is not None and fields["product"].unit_id != unit.pk:
        raise ValidationError({"product": _("Choose a product of this unit.")})
    activity = Dissemination(unit=unit, **fields)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def dissemination_update(*, activity: Dissemination, **fields) -> Dissemination:
    product = fields.get("product")
    if product is not None and product.unit_id != activity.unit_id:
        raise ValidationError({"product": _("Choose a product of this unit.")})
    changed = apply_changes(
        activity, fields, allowed=("what", "date", "audience", "reach", "product")
    )
    activity.full_clean()
    activity.save(update_fields=changed)
    return activity


@transaction.atomic
def dissemination_delete(*, activity: Dissemination) -> None:
    activity.delete()
