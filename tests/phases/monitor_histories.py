"""Made-up unit histories for the learning monitor: healthy, stalling after phase 4,
and one member dropping away. Each runs MONTHS months up to this month."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from phases.models import ActionStep, Experiment, ExperimentComment, PhaseTransition
from units.models import Attendance, Role, Session

from ..factories import ActionStepFactory, GoalFactory, MembershipFactory, UnitFactory

MONTHS = 15  # month 0 is the first, MONTHS - 1 the month under way
REALIZATION_MONTH = 4  # phases 2, 3, 4 entered in months 1, 2, 3


def month_start(index: int) -> date:
    """The first day of month ``index`` (0 = MONTHS - 1 months ago)."""
    today = timezone.localdate()
    months_back = MONTHS - 1 - index
    y, m = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return date(y, m + 1, 1)


def at(index: int, day: int) -> datetime:
    value = timezone.make_aware(
        datetime.combine(month_start(index) + timedelta(days=day - 1), time(10))
    )
    # In the month under way, keep everything in the past.
    return min(value, timezone.now() - timedelta(hours=1))


def _unit(name, phase):
    start = month_start(0)
    unit = UnitFactory(
        name=name, planned_start=start, planned_end=start + timedelta(days=730), phase=phase
    )
    unit.created_at = at(0, 1)
    unit.save(update_fields=["created_at"])
    facilitator = MembershipFactory(unit=unit, role=Role.FACILITATOR, joined_on=start)
    professionals = [
        MembershipFactory(unit=unit, role=Role.PROFESSIONAL, joined_on=start) for _i in range(6)
    ]
    # Neither counts for attendance (managers never; researchers not by default).
    MembershipFactory(unit=unit, role=Role.MANAGER, joined_on=start)
    MembershipFactory(unit=unit, role=Role.RESEARCHER, joined_on=start)
    for to_phase in range(2, min(phase, 5) + 1):
        PhaseTransition.objects.create(
            unit=unit,
            from_phase=to_phase - 1,
            to_phase=to_phase,
            direction="advance",
            at=at(min(to_phase - 1, REALIZATION_MONTH), 3),
        )
    return unit, facilitator, professionals


def _session(unit, index, present_users, everyone):
    session = Session.objects.create(unit=unit, starts_at=at(index, 10), phase=unit.phase)
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            user=user,
            status=Attendance.Status.PRESENT if user in present_users else Attendance.Status.ABSENT,
        )
        for user in everyone
    )
    return session


def _experiment(unit, author, index, responder, *, closed=True):
    experiment = Experiment.objects.create(
        unit=unit,
        author=author,
        title=f"Tried in month {index}",
        learned="Open questions help." if closed else "",
        next_steps="Ask it in every first visit." if closed else "",
        visibility=Experiment.Visibility.SHARED,
        knowledge_sources=["professional"],
        created_at=at(index, 12),
    )
    if responder is not None:
        ExperimentComment.objects.create(
            experiment=experiment, author=responder, text="Recognisable.", created_at=at(index, 13)
        )
    return experiment


def _steps(unit, owner, *, done, overdue, upcoming):
    goal = GoalFactory(unit=unit)
    today = timezone.localdate()
    for _i in range(done):
        ActionStepFactory(goal=goal, owner=owner, status=ActionStep.Status.DONE)
    for _i in range(overdue):
        ActionStepFactory(goal=goal, owner=owner, due_date=today - timedelta(days=20))
    for _i in range(upcoming):
        ActionStepFactory(goal=goal, owner=owner, due_date=today + timedelta(days=20))


def healthy(name="Healthy"):
    """Attendance 6 or 7 of 7 taking turns, one shared, answered, closed experiment per
    professional per month from realization on, steps done on time."""
    unit, facilitator, professionals = _unit(name, phase=5)
    people = [facilitator.user] + [m.user for m in professionals]
    for index in range(MONTHS):
        absent = {people[index % 7]} if index % 2 else set()
        _session(unit, index, set(people) - absent, people)
        if index >= REALIZATION_MONTH:
            for m in professionals:
                _experiment(unit, m.user, index, facilitator.user)
    _steps(unit, professionals[0].user, done=3, overdue=0, upcoming=1)
    return unit


def stalling(name="Stalling"):
    """Through phase 4 on time, into realization in month 4; experiments die out after
    month 7 and attendance falls from month 8 on, to 3 of 7."""
    unit, facilitator, professionals = _unit(name, phase=5)
    people = [facilitator.user] + [m.user for m in professionals]
    present_by_month = {8: 6, 9: 5, 10: 4}
    for index in range(MONTHS):
        present = present_by_month.get(index, 7 if index < 8 else 3)
        _session(unit, index, set(people[:present]), people)
        if REALIZATION_MONTH <= index <= 6:
            for m in professionals:
                _experiment(unit, m.user, index, facilitator.user)
        elif index == 7:
            for m in professionals[:3]:
                _experiment(unit, m.user, index, None, closed=False)
    _steps(unit, professionals[0].user, done=1, overdue=2, upcoming=0)
    return unit


def member_drops_away(name="Drops away"):
    """As healthy, but one professional misses every session of the last three months
    and logs nothing any more."""
    unit, facilitator, professionals = _unit(name, phase=5)
    people = [facilitator.user] + [m.user for m in professionals]
    leaving = professionals[-1]
    for index in range(MONTHS):
        gone = index >= MONTHS - 3
        present = set(people) - ({leaving.user} if gone else set())
        _session(unit, index, present, people)
        if index >= REALIZATION_MONTH:
            for m in professionals:
                if not (gone and m == leaving):
                    _experiment(unit, m.user, index, facilitator.user)
    _steps(unit, professionals[0].user, done=3, overdue=0, upcoming=1)
    return unit, leaving
