"""Reads of the phases app, with their joins built in (a constant number of queries)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.addresses import unit_url
from units.choices import Phase
from units.models import Membership, Role
from units.registry import AttentionLink

from .criteria import evaluate_phase
from .models import (
    ActionStep,
    Experiment,
    ExperimentComment,
    Goal,
    PhaseTransition,
    PlanVersion,
)

STAGNATION_WEEKS = 6


# --- The phase timeline ---------------------------------------------------------


@dataclass
class PhaseEntry:
    number: int
    label: str
    entered_at: object = None
    left_at: object = None
    state: str = "future"  # done / current / future
    visits: int = 0
    url: str = ""

    @property
    def is_current(self) -> bool:
        return self.state == "current"


@dataclass
class Timeline:
    phases: list
    current: PhaseEntry
    criteria: list = field(default_factory=list)  # CriterionResult of the current phase
    transitions: list = field(default_factory=list)

    @property
    def open_criteria(self) -> list:
        return [r for r in self.criteria if not r.met]


def phase_timeline(unit, *, with_criteria: bool = True, with_history: bool = True) -> Timeline:
    """The six phases with the dates entered and left, and the open criteria of the current one.

    A phase visited more than once (after moving back) shows when it was first
    entered and last left. ``with_history``: also ``transitions``, each with who made
    it (the phases page lists them); without, only their phases and times are read.
    """
    if with_history:
        transitions = list(PhaseTransition.objects.filter(unit=unit).with_people())
    else:
        transitions = list(
            PhaseTransition.objects.filter(unit=unit).values_list(
                "from_phase", "to_phase", "at", named=True
            )
        )
    entries = {
        p: PhaseEntry(
            number=p.value, label=p.label, url=unit_url("phases:phase", unit.slug, p.value)
        )
        for p in Phase
    }
    current, since = Phase.AMBITION, unit.created_at
    entries[current].entered_at, entries[current].visits = since, 1
    for t in transitions:
        entries[t.from_phase].left_at = t.at
        entry = entries[t.to_phase]
        entry.entered_at = entry.entered_at or t.at
        entry.visits += 1
    for number, entry in entries.items():
        if number < unit.phase:
            entry.state = "done"
        elif number == unit.phase:
            entry.state = "current"
            entry.left_at = None
        else:
            entry.state = "future"
    current_entry = entries[unit.phase]
    return Timeline(
        phases=list(entries.values()),
        current=current_entry,
        criteria=evaluate_phase(unit) if with_criteria else [],
        transitions=transitions if with_history else [],
    )


# --- The dashboard --------------------------------------------------------------


def attention_for_units(units) -> dict[int, list[str]]:
    """What needs a facilitator's attention, per unit id. Three queries for any number of units.

    - action steps past their due date that are still open;
    - stagnation: a unit in realization where nobody logged an experiment for six
      weeks (counted from entering the phase when there is none at all).
    """
    units = list(units)
    result: dict[int, list[str]] = {u.pk: [] for u in units}
    if not units:
        return result
    ids = list(result)
    today = timezone.localdate()
    overdue = dict(
        ActionStep.objects.filter(
            goal__unit_id__in=ids,
            status__in=[ActionStep.Status.OPEN, ActionStep.Status.IN_PROGRESS],
            due_date__lt=today,
        )
        .values_list("goal__unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Filtered on the phase in the database (not on the list) so that the number
    # of queries does not depend on which phases the units are in.
    realizing = {u.pk for u in units if u.phase == Phase.REALIZATION}
    last_experiment = dict(
        Experiment.objects.filter(unit_id__in=ids, unit__phase=Phase.REALIZATION)
        .values_list("unit_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    entered = dict(
        PhaseTransition.objects.filter(
            unit_id__in=ids, unit__phase=Phase.REALIZATION, to_phase=Phase.REALIZATION
        )
        .values_list("unit_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    cutoff = timezone.now() - timedelta(weeks=STAGNATION_WEEKS)
    for unit in units:
        n = overdue.get(unit.pk)
        if n:
            result[unit.pk].append(
                AttentionLink(
                    ngettext("%(n)s action step is overdue", "%(n)s action steps are overdue", n)
                    % {"n": n},
                    reverse("phases:plan", args=[unit.slug]),
                )
            )
        if unit.pk in realizing:
            since = last_experiment.get(unit.pk) or entered.get(unit.pk) or unit.created_at
            if since < cutoff:
                result[unit.pk].append(
                    _("No practice experiments logged for %(weeks)s weeks")
                    % {"weeks": (timezone.now() - since).days // 7}
                )
    return result


# --- The plan of action ---------------------------------------------------------


def plan_goals(unit):
    """The live plan: goals with their steps and step owners. Two queries."""
    return Goal.objects.filter(unit=unit).prefetch_related(
        Prefetch("steps", queryset=ActionStep.objects.select_related("owner"))
    )


def plan_versions(unit):
    return PlanVersion.objects.filter(unit=unit).select_related("approved_by").order_by("number")


@dataclass
class PlanDiff:
    goals_added: list = field(default_factory=list)
    goals_removed: list = field(default_factory=list)
    goals_changed: list = field(default_factory=list)  # (old, new, [field labels])
    steps_added: list = field(default_factory=list)  # (goal text, step)
    steps_removed: list = field(default_factory=list)
    steps_changed: list = field(default_factory=list)  # (goal text, old, new, [field labels])

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.goals_added,
                self.goals_removed,
                self.goals_changed,
                self.steps_added,
                self.steps_removed,
                self.steps_changed,
            )
        )


def _field_labels():
    return {
        "text": _("goal"),
        "target": _("construct or measure"),
        "what": _("what"),
        "owner": _("who"),
        "due_date": _("due date"),
        "status": _("status"),
    }


def plan_diff(old: dict, new: dict) -> PlanDiff:
    """What changed between two plan snapshots (goals and steps matched by their id)."""
    labels = _field_labels()
    diff = PlanDiff()
    old_goals = {g["id"]: g for g in old.get("goals", [])}
    new_goals = {g["id"]: g for g in new.get("goals", [])}
    old_steps = {s["id"]: (g, s) for g in old_goals.values() for s in g["steps"]}
    new_steps = {s["id"]: (g, s) for g in new_goals.values() for s in g["steps"]}
    for gid, goal in new_goals.items():
        if gid not in old_goals:
            diff.goals_added.append(goal)
        else:
            changed = [labels[f] for f in ("text", "target") if old_goals[gid][f] != goal[f]]
            if changed:
                diff.goals_changed.append((old_goals[gid], goal, changed))
    diff.goals_removed = [g for gid, g in old_goals.items() if gid not in new_goals]
    for sid, (goal, step) in new_steps.items():
        if sid not in old_steps:
            diff.steps_added.append((goal["text"], step))
        else:
            old_step = old_steps[sid][1]
            fields = ("what", "owner", "due_date", "status")
            changed = [labels[f] for f in fields if old_step.get(f) != step.get(f)]
            if changed:
                diff.steps_changed.append((goal["text"], old_step, step, changed))
    diff.steps_removed = [
        (g["text"], s) for sid, (g, s) in old_steps.items() if sid not in new_steps
    ]
    return diff


# --- Practice experiments -------------------------------------------------------


def experiments_for(unit, user):
    """The experiments this person may read in the unit, newest first.

    Plain, so that paging counts the experiments alone: add ``with_list_details``
    to the page's slice."""
    return Experiment.objects.filter(unit=unit).visible_to(user).order_by("-date", "-pk")


def with_list_details(experiments):
    """What the list shows of each experiment: author, goal and comment count, none of
    the long texts but what was learned."""
    return (
        experiments.select_related("author", "goal")
        .only(
            *("unit", "title", "date", "visibility", "learned"),
            *("author__full_name", "author__email", "goal__text"),
        )
        .annotate(comment_count=Count("comments"))
    )


def experiment_activity(unit, months: int = 6):
    """Per member, per month: experiments logged (drafts included) and comments written.

    Returns (months, rows) where rows are (membership, [(experiments, comments), ...]).
    Three queries.
    """
    today = timezone.localdate()
    month_starts = []
    year, month = today.year, today.month
    for _i in range(months):
        month_starts.append(today.replace(year=year, month=month, day=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    month_starts.reverse()
    since = month_starts[0]
    start_dt = datetime(since.year, since.month, 1, tzinfo=timezone.get_current_timezone())

    def counts(qs, user_field):
        table = defaultdict(int)
        rows = (
            qs.annotate(month=TruncMonth("created_at"))
            .values_list(user_field, "month")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for user_id, month_value, n in rows:
            month_date = month_value.date() if hasattr(month_value, "date") else month_value
            table[(user_id, month_date.replace(day=1))] += n
        return table

    experiments = counts(
        Experiment.objects.filter(unit=unit, created_at__gte=start_dt), "author_id"
    )
    comments = counts(
        ExperimentComment.objects.filter(experiment__unit=unit, created_at__gte=start_dt),
        "author_id",
    )
    memberships = Membership.objects.current().filter(unit=unit).select_related("user")
    rows = []
    for membership in memberships:
        uid = membership.user_id
        cells = [(experiments.get((uid, m), 0), comments.get((uid, m), 0)) for m in month_starts]
        rows.append((membership, cells, sum(c[0] for c in cells), sum(c[1] for c in cells)))
    return month_starts, rows


# --- History --------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: object
    kind: str
    what: str
    action: str
    changes: list = field(default_factory=list)


def _action_label(code: str) -> str:
    return {
        "+": _("created"),
        "~": _("changed"),
        "-": _("deleted"),
        PhaseTransition.Direction.ADVANCE: _("advanced"),
        PhaseTransition.Direction.BACK: _("moved back"),
    }.get(code, code)


def _history_entries(records, kind, describe, tracked, labels):
    """Turn historical records (newest first) into entries with the fields that changed."""
    entries = []
    previous_by_id = {}
    # Walk oldest first to compare each record with the one before it.
    for record in reversed(records):
        before = previous_by_id.get(record.id)
        changes = []
        if before is not None and record.history_type == "~":
            changes = [
                labels.get(f, f) for f in tracked if getattr(before, f) != getattr(record, f)
            ]
        previous_by_id[record.id] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=kind,
                what=describe(record),
                action=_action_label(record.history_type),
                changes=changes,
            )
        )
    return entries


def unit_history(unit, user, limit: int = 300) -> list[HistoryEntry]:
    """Who changed what, when: goals, steps, shared experiments and phase transitions."""
    goal_model = Goal.history.model
    step_model = ActionStep.history.model
    experiment_model = Experiment.history.model
    labels = _field_labels() | {
        "order": _("order"),
        "title": _("title"),
        "visibility": _("visibility"),
        "learned": _("what I learned"),
    }
    goals = list(
        goal_model.objects.filter(unit_id=unit.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    steps = list(
        step_model.objects.filter(
            goal_id__in=goal_model.objects.filter(unit_id=unit.pk).values("id")
        )
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    # Someone's private drafts are theirs alone, in the history as well.
    experiments = list(
        experiment_model.objects.filter(unit_id=unit.pk)
        .filter(Q(visibility=Experiment.Visibility.SHARED) | Q(author_id=user.pk))
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    entries = (
        _history_entries(goals, _("Goal"), lambda r: r.text, ("text", "target", "order"), labels)
        + _history_entries(
            steps,
            _("Action step"),
            lambda r: r.what,
            ("what", "owner_id", "due_date", "status"),
            labels | {"owner_id": _("who")},
        )
        + _history_entries(
            experiments,
            _("Practice experiment"),
            lambda r: r.title,
            ("title", "visibility", "learned"),
            labels,
        )
    )
    for t in PhaseTransition.objects.filter(unit=unit).with_people():
        what = _("Phase %(from)s → %(to)s") % {"from": t.from_phase, "to": t.to_phase}
        changes = [str(label) for label in t.overridden_labels]
        entries.append(
            HistoryEntry(
                when=t.at,
                who=t.actor,
                kind=_("Phase"),
                what=what,
                action=_action_label(t.direction),
                changes=changes + ([t.justification] if t.justification else []),
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# --- The learning-mode monitor ----------------------------------------------------


def watches_units(user) -> bool:
    """Whether the person facilitates or manages a unit now: whether the learning monitor
    has anything to show them. One query."""
    return (
        Membership.objects.current()
        .filter(user=user, role__in=[Role.FACILITATOR, Role.MANAGER])
        .exists()
    )


def monitor_units_for(user) -> tuple[list, list]:
    """(units the person facilitates, units they are a manager of), by name. One query."""
    memberships = (
        Membership.objects.current()
        .filter(user=user, role__in=[Role.FACILITATOR, Role.MANAGER])
        .select_related("unit__programme")
        .order_by("unit__name")
    )
    facilitated, managed = [], []
    for m in memberships:
        (facilitated if m.role == Role.FACILITATOR else managed).append(m.unit)
    return facilitated, managed
