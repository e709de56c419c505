"""Action steps due soon or overdue: told to their owner once per due date (run by beat)."""

from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from phases.models import ActionStep

from .listeners import allowed
from .models import Kind
from .services import notify

# "Due soon": this many days ahead. Overdue steps are told of for a week after their
# due date (and once only): older ones are on the dashboard, not worth an e-mail.
DUE_SOON_DAYS = 2
OVERDUE_WINDOW_DAYS = 7


def steps_notify_due(*, today: date | None = None) -> int:
    """Notify the owners of open steps due within ``DUE_SOON_DAYS`` or just overdue.
    Safe to run as often as beat likes: each (step, due date, event) is told once."""
    today = today or timezone.localdate()
    steps = (
        ActionStep.objects.filter(
            status__in=(ActionStep.Status.OPEN, ActionStep.Status.IN_PROGRESS),
            owner__isnull=False,
            due_date__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("goal__unit", "owner")
        .order_by("due_date", "pk")
    )
    made = 0
    for step in steps:
        unit = step.goal.unit
        event = "action_step.overdue" if step.due_date < today else "action_step.due_soon"
        with transaction.atomic():
            made += len(
                notify(
                    recipients=allowed(unit, {step.owner_id}),
                    kind=Kind.STEP_DUE,
                    event=event,
                    url=reverse("phases:plan", kwargs={"slug": unit.slug}) + f"#step-{step.pk}",
                    unit=unit,
                    data={"what": step.what[:200], "due": step.due_date.isoformat()},
                    dedupe_key=f"step:{step.pk}:{event}:{step.due_date.isoformat()}",
                )
            )
    return made
