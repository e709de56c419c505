"""phases' part of the dashboard's "My work": my action steps, and my private drafts."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.registry import WorkItem

from .models import ActionStep, Experiment

SHOWN = 5


def my_steps(user, units) -> list[WorkItem]:
    """One query: my open steps in my current units (``units``), overdue and soonest due first."""
    by_id = {u.pk: u for u in units}
    steps = (
        ActionStep.objects.filter(
            owner=user,
            status__in=(ActionStep.Status.OPEN, ActionStep.Status.IN_PROGRESS),
            goal__unit_id__in=by_id,
        )
        .values_list("pk", "what", "due_date", "goal__unit_id", named=True)
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
        unit = by_id[step.goal__unit_id]
        items.append(
            WorkItem(
                text=text,
                url=reverse("phases:plan", kwargs={"slug": unit.slug}) + f"#step-{step.pk}",
                unit=unit.name,
                urgent=bool(step.due_date and step.due_date < today),
            )
        )
    return items


def my_drafts(user, units) -> list[WorkItem]:
    """One query: my private drafts in my current units (``units``), newest first."""
    by_id = {u.pk: u for u in units}
    drafts = (
        Experiment.objects.filter(
            author=user, visibility=Experiment.Visibility.DRAFT, unit_id__in=by_id
        )
        .values_list("pk", "title", "unit_id", named=True)
        .order_by("-updated_at")[:SHOWN]
    )
    return [
        WorkItem(
            text=d.title,
            url=reverse(
                "phases:experiment_detail", kwargs={"slug": by_id[d.unit_id].slug, "pk": d.pk}
            ),
            unit=by_id[d.unit_id].name,
        )
        for d in drafts
    ]
