"""phases' part of the dashboard's "My work": my action steps, and my private drafts."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.registry import WorkItem

from .models import ActionStep, Experiment

SHOWN = 5


def my_steps(user) -> list[WorkItem]:
    """One query: my open steps in my current units, overdue and soonest due first."""
    steps = (
        ActionStep.objects.filter(
            owner=user,
            status__in=(ActionStep.Status.OPEN, ActionStep.Status.IN_PROGRESS),
            goal__unit__memberships__user=user,
            goal__unit__memberships__left_on__isnull=True,
        )
        .select_related("goal__unit")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:SHOWN]
    )
    today = timezone.localdate()
    items = []
    for step in steps:
        if step.due_date is None:
            text = step.what
        elif step.due_date < today:
            text = _("%(what)s (was due on %(day)s)") % {
                "what": step.what,
                "day": date_format(step.due_date, "SHORT_DATE_FORMAT"),
            }
        else:
            text = _("%(what)s (due on %(day)s)") % {
                "what": step.what,
                "day": date_format(step.due_date, "SHORT_DATE_FORMAT"),
            }
        unit = step.goal.unit
        items.append(
            WorkItem(
                text=text,
                url=reverse("phases:plan", kwargs={"slug": unit.slug}) + f"#step-{step.pk}",
                unit=unit.name,
                urgent=bool(step.due_date and step.due_date < today),
            )
        )
    return items


def my_drafts(user) -> list[WorkItem]:
    """One query: my private drafts in my current units, newest first."""
    drafts = (
        Experiment.objects.filter(
            author=user,
            visibility=Experiment.Visibility.DRAFT,
            unit__memberships__user=user,
            unit__memberships__left_on__isnull=True,
        )
        .select_related("unit")
        .order_by("-updated_at")[:SHOWN]
    )
    return [WorkItem(text=d.title, url=d.get_absolute_url(), unit=d.unit.name) for d in drafts]
