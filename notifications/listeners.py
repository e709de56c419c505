"""Who hears of what: the events units, phases and reports emit (``units.registry.emit``),
turned into notifications for the people allowed to see them.

Every listener asks ``units.access`` whether each person may see the thing in its
unit: someone who left the unit, or whose role does not show it, is not told.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from units import registry
from units.access import Perm, perms_for
from units.models import Membership, Role

from .models import Kind
from .services import notify


def allowed(unit, user_ids, perm: Perm = Perm.VIEW) -> list:
    """The people among ``user_ids`` who may ``perm`` in ``unit`` (two queries)."""
    user_ids = set(user_ids)
    if not user_ids:
        return []
    memberships = {
        m.user_id: m for m in Membership.objects.current().filter(unit=unit, user_id__in=user_ids)
    }
    people = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    return [p for p in people if perm in perms_for(p, memberships.get(p.pk))]


def _members(unit) -> list:
    ids = Membership.objects.current().filter(unit=unit).values_list("user_id", flat=True)
    return allowed(unit, ids)


def on_comment(*, comment) -> None:
    experiment = comment.experiment
    unit = experiment.unit
    url = experiment.get_absolute_url()
    others = set(
        experiment.comments.exclude(author_id=comment.author_id).values_list("author_id", flat=True)
    )
    if experiment.is_shared:
        readers = allowed(unit, others | {experiment.author_id})
    else:  # a private draft is its author's alone
        readers = allowed(unit, {experiment.author_id})
    data = {"title": experiment.title, "experiment": experiment.pk}
    for own in (True, False):
        notify(
            recipients=[p for p in readers if (p.pk == experiment.author_id) == own],
            kind=Kind.RESPONSE,
            event="experiment.commented",
            url=f"{url}#comments",
            unit=unit,
            actor=comment.author,
            data={**data, "own": own},
            dedupe_key=f"comment:{comment.pk}",
        )


def on_step_assigned(*, step, actor=None) -> None:
    unit = step.goal.unit
    notify(
        recipients=allowed(unit, {step.owner_id}),
        kind=Kind.STEP_ASSIGNED,
        event="action_step.assigned",
        url=reverse("phases:plan", kwargs={"slug": unit.slug}) + f"#step-{step.pk}",
        unit=unit,
        actor=actor,
        data={"what": step.what[:200], "step": step.pk},
    )


def on_session(event: str):
    def listener(*, sessions, actor=None) -> None:
        sessions = [s for s in sessions if s.ends_at > timezone.now()]
        if not sessions:
            return  # a past session written down afterwards is no news
        first = min(sessions, key=lambda s: s.starts_at)
        unit = first.unit
        url = (
            first.get_absolute_url()
            if len(sessions) == 1
            else reverse("units:sessions", kwargs={"slug": unit.slug})
        )
        notify(
            recipients=_members(unit),
            kind=Kind.SESSION,
            event=event,
            url=url,
            unit=unit,
            actor=actor,
            data={
                "starts": first.starts_at.isoformat(),
                "count": len(sessions),
                "sessions": [s.pk for s in sessions][:60],
            },
        )

    return listener


def on_invitation_accepted(*, invitation, membership) -> None:
    if invitation.invited_by_id is None:
        return
    unit = invitation.unit
    notify(
        recipients=allowed(unit, {invitation.invited_by_id}, Perm.MANAGE_UNIT),
        kind=Kind.INVITATION,
        event="invitation.accepted",
        url=reverse("units:members", kwargs={"slug": unit.slug}),
        unit=unit,
        actor=membership.user,
        data={"role": membership.role},
        dedupe_key=f"invitation:{invitation.pk}",
    )


def on_phase_changed(*, transition) -> None:
    unit = transition.unit
    notify(
        recipients=_members(unit),
        kind=Kind.PHASE,
        event="phase.changed",
        url=reverse("phases:overview", kwargs={"slug": unit.slug}),
        unit=unit,
        actor=transition.actor,
        data={"phase": transition.to_phase, "transition": transition.pk},
    )


def on_report_finished(*, report) -> None:
    from reports.models import Status

    if report.requested_by_id is None:
        return
    done = report.status == Status.DONE
    data = {"report_kind": report.kind, "version": report.version, "id": report.pk}
    if report.unit_id:
        unit = report.unit
        recipients = allowed(unit, {report.requested_by_id}, Perm.VIEW)
        url = reverse("reports:status", kwargs={"slug": unit.slug, "pk": report.pk})
    else:
        from units.access import programme_access

        unit = None
        requester = report.requested_by
        access = programme_access(requester, report.programme)
        recipients = [requester] if access.can(Perm.VIEW_RESEARCH) else []
        url = reverse(
            "programme_reports:status", kwargs={"slug": report.programme.slug, "pk": report.pk}
        )
        data["programme"] = report.programme.name
    notify(
        recipients=recipients,
        kind=Kind.REPORT,
        event="report.done" if done else "report.failed",
        url=url,
        unit=unit,
        data=data,
        dedupe_key=f"report:{report.pk}",
    )


def on_retention_due(*, unit, ends_on) -> None:
    """The unit's facilitators, weeks before its members' personal data is removed."""
    facilitators = Membership.objects.current().filter(unit=unit, role=Role.FACILITATOR)
    notify(
        recipients=allowed(unit, facilitators.values_list("user_id", flat=True), Perm.MANAGE_UNIT),
        kind=Kind.RETENTION,
        event="unit.retention_due",
        url=unit.get_absolute_url(),
        unit=unit,
        data={"ends_on": ends_on.isoformat()},
        dedupe_key=f"retention:{unit.pk}:{ends_on.isoformat()}",
    )


LISTENERS = {
    "experiment.commented": on_comment,
    "action_step.assigned": on_step_assigned,
    "session.planned": on_session("session.planned"),
    "session.moved": on_session("session.moved"),
    "session.cancelled": on_session("session.cancelled"),
    "invitation.accepted": on_invitation_accepted,
    "phase.changed": on_phase_changed,
    "report.finished": on_report_finished,
    "unit.retention_due": on_retention_due,
}


def register() -> None:
    for event, listener in LISTENERS.items():
        registry.register_listener(event=event, key="notifications", listener=listener)
