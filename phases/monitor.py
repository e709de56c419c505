"""Is the unit in learning mode? Signals computed from what a unit records.

The BPU study found that units struggle to reach a "learning and innovation
mode": members try things in practice, share them, respond to each other and
close the learning cycle (what I learned, what I will try next). These signals
watch for that, per unit and month by month, from attendance, experiments,
responses and action steps. Each is defined on the help page
(``templates/phases/monitor_help.html``); change both together.

``unit_signals(units)`` reads every unit at once: a fixed number of queries
(``SIGNAL_QUERIES``) whatever the number of units, so the dashboard and the
programme view cost the same for one unit as for fifty.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.choices import Phase
from units.models import Attendance, Membership, Role, Session

from .choices import KnowledgeSource
from .models import ActionStep, Experiment, ExperimentComment, PhaseTransition
from .run_chart import MonthPoint, RunFlag, run_chart_flags

# "Recently": the last three months for experiments and responses; the last three
# sessions with attendance taken (compared with the three before) for attendance.
RECENT_DAYS = 91
RECENT_SESSIONS = 3
PRESENT_AT_LEAST = 2  # of the last RECENT_SESSIONS, as on the dashboard
# Thresholds of the warning signs, in the phases where members are meant to experiment.
EXPERIMENTS_PER_MEMBER_MONTH_LOW = 0.5
SHARED_SILENCE_DAYS = 42  # six weeks, as the dashboard's stagnation rule
UNANSWERED_SHARE_HIGH = 0.5
CLOSED_CYCLE_SHARE_LOW = 0.5
ATTENDANCE_DROP_POINTS = 15  # percentage points, last three sessions against the three before
EXPERIMENTING_PHASES = frozenset({Phase.REALIZATION, Phase.OUTCOMES})


def counts_for_attendance(role: str, unit) -> bool:
    """Managers come when they can: never counted. Researchers only when the unit
    says they take part in every session (``Unit.researchers_attend``)."""
    if role == Role.MANAGER:
        return False
    if role == Role.RESEARCHER:
        return unit.researchers_attend
    return True


# --- What other apps add: the reports on the time axis -------------------------------


@dataclass(frozen=True)
class ReportMark:
    """A report of a unit, as the monitor shows it (reports registers where they come from)."""

    kind: str  # "baseline", "intermediary", "final"
    label: str  # the kind, translated
    state: str  # translated
    at: date
    url: str = ""


_REPORT_MARKS: dict[str, Callable] = {}


def register_report_marks(*, key: str, marks: Callable) -> None:
    """``marks(unit_ids) -> {unit id: [ReportMark, ...]}`` at one query; the reports
    app registers it in ``ready()`` (phases may not import reports)."""
    _REPORT_MARKS[key] = marks


def report_marks(unit_ids) -> dict[int, list[ReportMark]]:
    found: dict[int, list[ReportMark]] = defaultdict(list)
    for key in sorted(_REPORT_MARKS):
        for unit_id, marks in _REPORT_MARKS[key](unit_ids).items():
            found[unit_id].extend(marks)
    return found


# --- The signals ----------------------------------------------------------------------


@dataclass
class AttentionItem:
    """One thing a facilitator can act on now: the most urgent has the highest ``urgency``."""

    urgency: int  # 3 act now, 2 soon, 1 keep an eye on
    text: str
    url: str
    since: date | None = None
    # member, step, attendance, silence, rate, unanswered, cycle, run
    kind: str = ""


@dataclass
class UnitSignals:
    unit: object
    counted_members: int = 0
    attendance_recent: float | None = None  # share present, last three sessions
    attendance_before: float | None = None  # the three before
    recent_logged: int = 0
    recent_shared: int = 0
    recent_closed: int = 0
    recent_responses: int = 0
    recent_unanswered: int = 0  # shared recently, no response from anyone else yet
    experiments_per_member_month: float | None = None
    days_since_shared: int | None = None
    steps_done: int = 0
    steps_overdue: int = 0
    steps_open: int = 0
    knowledge_sources: list[tuple[str, int]] = field(default_factory=list)
    dropping: list[Membership] = field(default_factory=list)
    phase_since: object = None
    months: list[MonthPoint] = field(default_factory=list)
    transitions: list[PhaseTransition] = field(default_factory=list)
    sessions: list[date] = field(default_factory=list)
    reports: list[ReportMark] = field(default_factory=list)
    run_flags: list[RunFlag] = field(default_factory=list)
    items: list[AttentionItem] = field(default_factory=list)

    @property
    def attendance_change(self) -> float | None:
        if self.attendance_recent is None or self.attendance_before is None:
            return None
        return self.attendance_recent - self.attendance_before

    @property
    def shared_share(self) -> float | None:
        return self.recent_shared / self.recent_logged if self.recent_logged else None

    @property
    def closed_share(self) -> float | None:
        return self.recent_closed / self.recent_logged if self.recent_logged else None

    @property
    def unanswered_share(self) -> float | None:
        return self.recent_unanswered / self.recent_shared if self.recent_shared else None

    @property
    def weeks_in_phase(self) -> int | None:
        if self.phase_since is None:
            return None
        return (timezone.now() - self.phase_since).days // 7

    @property
    def planned_time_used(self) -> float | None:
        """Share of the planned duration (planned start to planned end) gone by today."""
        unit = self.unit
        total = (unit.planned_end - unit.planned_start).days
        if total <= 0:
            return None
        return (timezone.localdate() - unit.planned_start).days / total

    @property
    def experimenting(self) -> bool:
        return self.unit.phase in EXPERIMENTING_PHASES

    @property
    def warnings(self) -> list[AttentionItem]:
        return [item for item in self.items if item.urgency >= 2]

    @property
    def warning_runs(self) -> list[RunFlag]:
        return [f for f in self.run_flags if f.is_warning]


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _months_between(first: date, last: date) -> list[date]:
    months, m = [], _month_start(first)
    while m <= last:
        months.append(m)
        m = _next_month(m)
    return months


def _local_date(value) -> date:
    return timezone.localtime(value).date()


def _member_in(m: Membership, day: date) -> bool:
    return m.joined_on <= day and (m.left_on is None or m.left_on >= day)


# Queries of unit_signals: memberships, sessions, attendance, experiments, responses,
# action steps, phase transitions, and one per registered report source.
SIGNAL_QUERIES = 7


def unit_signals(units) -> dict[int, UnitSignals]:
    """The learning-mode signals of every unit, month by month since it started.

    ``SIGNAL_QUERIES`` queries plus one per report source, whatever the number of units.
    """
    units = list(units)
    result = {u.pk: UnitSignals(unit=u) for u in units}
    if not units:
        return result
    ids = list(result)
    by_id = {u.pk: u for u in units}
    today = timezone.localdate()
    now = timezone.now()
    recent_since = now - timedelta(days=RECENT_DAYS)

    members_by_unit: dict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(unit_id__in=ids).select_related("user"):
        if counts_for_attendance(m.role, by_id[m.unit_id]):
            members_by_unit[m.unit_id].append(m)

    sessions_by_unit: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for pk, unit_id, starts_at in (
        Session.objects.filter(unit_id__in=ids, status=Session.Status.PLANNED, starts_at__lt=now)
        .order_by("starts_at")
        .values_list("pk", "unit_id", "starts_at")
    ):
        sessions_by_unit[unit_id].append((pk, starts_at))

    attendance: dict[int, dict[int, str]] = defaultdict(dict)  # session -> user -> status
    for session_id, user_id, status in Attendance.objects.filter(
        session__unit_id__in=ids, session__starts_at__lt=now
    ).values_list("session_id", "user_id", "status"):
        attendance[session_id][user_id] = status

    experiments = defaultdict(list)
    for row in (
        Experiment.objects.filter(unit_id__in=ids)
        .order_by("created_at")
        .values(
            "pk",
            "unit_id",
            "author_id",
            "created_at",
            "visibility",
            "learned",
            "next_steps",
            "knowledge_sources",
        )
    ):
        experiments[row["unit_id"]].append(row)

    responses = defaultdict(list)  # unit -> [(created_at, experiment id)]
    for unit_id, experiment_id, created_at in (
        ExperimentComment.objects.filter(experiment__unit_id__in=ids)
        .exclude(author_id=F("experiment__author_id"))
        .values_list("experiment__unit_id", "experiment_id", "created_at")
    ):
        responses[unit_id].append((created_at, experiment_id))

    steps = defaultdict(list)
    for row in (
        ActionStep.objects.filter(goal__unit_id__in=ids)
        .exclude(status=ActionStep.Status.DROPPED)
        .order_by("due_date", "pk")
        .values_list("pk", "goal__unit_id", "what", "status", "due_date")
    ):
        steps[row[1]].append(row)

    transitions = defaultdict(list)
    for t in PhaseTransition.objects.filter(unit_id__in=ids).order_by("at", "pk"):
        transitions[t.unit_id].append(t)

    marks = report_marks(ids)

    for unit in units:
        s = result[unit.pk]
        members = members_by_unit[unit.pk]
        current = [m for m in members if m.left_on is None]
        s.counted_members = len(current)
        counted_users = {m.user_id for m in members}
        s.transitions = transitions[unit.pk]
        s.reports = sorted(marks.get(unit.pk, []), key=lambda r: r.at)
        entered = [t.at for t in s.transitions if t.to_phase == unit.phase]
        s.phase_since = entered[-1] if entered else unit.created_at

        # Attendance per session: present among the counted people on its list.
        shares = []  # (session date, share, session id), oldest first
        for pk, starts_at in sessions_by_unit[unit.pk]:
            s.sessions.append(_local_date(starts_at))
            listed = {u: st for u, st in attendance[pk].items() if u in counted_users}
            if listed:
                present = sum(st == Attendance.Status.PRESENT for st in listed.values())
                shares.append((_local_date(starts_at), present / len(listed), pk))
        last = shares[-RECENT_SESSIONS:]
        before = shares[-2 * RECENT_SESSIONS : -RECENT_SESSIONS]
        if last:
            s.attendance_recent = sum(x[1] for x in last) / len(last)
        if len(before) == RECENT_SESSIONS:
            s.attendance_before = sum(x[1] for x in before) / len(before)
        if len(last) == RECENT_SESSIONS:
            oldest = last[0][0]
            s.dropping = [
                m
                for m in current
                if m.joined_on <= oldest
                and sum(
                    attendance[pk].get(m.user_id) == Attendance.Status.PRESENT for *_x, pk in last
                )
                < PRESENT_AT_LEAST
            ]

        # Experiments and responses.
        rows = experiments[unit.pk]
        shared_rows = [r for r in rows if r["visibility"] == Experiment.Visibility.SHARED]
        answered = {e for _at, e in responses[unit.pk]}
        recent = [r for r in rows if r["created_at"] >= recent_since]
        s.recent_logged = len(recent)
        s.recent_shared = sum(r["visibility"] == Experiment.Visibility.SHARED for r in recent)
        s.recent_closed = sum(
            bool(r["learned"].strip() and r["next_steps"].strip()) for r in recent
        )
        s.recent_responses = sum(at >= recent_since for at, _e in responses[unit.pk])
        s.recent_unanswered = sum(
            r["visibility"] == Experiment.Visibility.SHARED and r["pk"] not in answered
            for r in recent
        )
        if current:
            s.experiments_per_member_month = s.recent_logged / len(current) / (RECENT_DAYS / 30.4)
        if shared_rows:
            s.days_since_shared = (now - shared_rows[-1]["created_at"]).days
        used = Counter(source for r in recent for source in r["knowledge_sources"] or [])
        s.knowledge_sources = [
            (str(label), used[value]) for value, label in KnowledgeSource.choices if used[value]
        ]

        # Action steps, now.
        for _pk, _u, _what, status, due in steps[unit.pk]:
            if status == ActionStep.Status.DONE:
                s.steps_done += 1
            else:
                s.steps_open += 1
                if due and due < today:
                    s.steps_overdue += 1

        realizing = [_local_date(t.at) for t in s.transitions if t.to_phase in EXPERIMENTING_PHASES]
        s.months = _monthly(
            unit,
            members,
            shares,
            rows,
            responses[unit.pk],
            today,
            experimenting_since=realizing[0] if realizing else None,
        )
        # The month under way is drawn but left out of the rules: it is not over yet.
        s.run_flags = run_chart_flags(s.months[:-1])
        s.items = _attention_items(s, rows, answered, steps[unit.pk], today)
    return result


def _monthly(
    unit, members, shares, rows, responses, today, *, experimenting_since
) -> list[MonthPoint]:
    """Month by month since the unit started. Experiments per member count from the
    month it entered realization: before that nobody is meant to experiment yet."""
    first = min(
        [unit.planned_start, _local_date(unit.created_at)]
        + [d for d, _s, _pk in shares[:1]]
        + [_local_date(r["created_at"]) for r in rows[:1]]
    )
    points = {m: MonthPoint(month=m) for m in _months_between(first, today)}
    by_month_shares = defaultdict(list)
    for day, share, _pk in shares:
        by_month_shares[_month_start(day)].append(share)
    for r in rows:
        p = points.get(_month_start(_local_date(r["created_at"])))
        if p is None:
            continue
        p.logged += 1
        p.shared += r["visibility"] == Experiment.Visibility.SHARED
        p.closed_cycles += bool(r["learned"].strip() and r["next_steps"].strip())
    for at, _e in responses:
        p = points.get(_month_start(_local_date(at)))
        if p is not None:
            p.responses += 1
    for month, p in points.items():
        values = by_month_shares.get(month, [])
        p.sessions = len(values)
        if values:
            p.attendance = sum(values) / len(values)
        p.members = sum(
            _member_in(m, min(_next_month(month) - timedelta(days=1), today)) for m in members
        )
        started = experimenting_since is not None and month >= _month_start(experimenting_since)
        if p.members and started:
            p.experiments_per_member = p.logged / p.members
    return list(points.values())


def _attention_items(s: UnitSignals, rows, answered, steps, today) -> list[AttentionItem]:
    """What a facilitator can act on now, most urgent first, each with where to act."""
    unit = s.unit
    slug = {"slug": unit.slug}
    items = []
    for m in s.dropping:
        items.append(
            AttentionItem(
                3,
                _("%(name)s was present at fewer than %(n)d of the last %(of)d sessions.")
                % {"name": m.user.get_full_name(), "n": PRESENT_AT_LEAST, "of": RECENT_SESSIONS},
                reverse("units:facilitator_notes", kwargs=slug) + f"?member={m.user_id}",
                kind="member",
            )
        )
    for pk, _u, what, status, due in steps:
        if status != ActionStep.Status.DONE and due and due < today:
            items.append(
                AttentionItem(
                    3,
                    _("Action step overdue since %(day)s: %(what)s")
                    % {"day": _day(due), "what": what[:120]},
                    reverse("phases:plan", kwargs=slug) + f"#step-{pk}",
                    since=due,
                    kind="step",
                )
            )
    change = s.attendance_change
    if change is not None and change * 100 <= -ATTENDANCE_DROP_POINTS:
        items.append(
            AttentionItem(
                2,
                _(
                    "Attendance fell from %(before)d%% to %(now)d%% "
                    "(last three sessions against the three before)."
                )
                % {
                    "before": round(s.attendance_before * 100),
                    "now": round(s.attendance_recent * 100),
                },
                reverse("units:sessions", kwargs=slug),
                kind="attendance",
            )
        )
    if s.experimenting:
        if s.days_since_shared is None or s.days_since_shared >= SHARED_SILENCE_DAYS:
            text = (
                _("No experiment has been shared yet.")
                if s.days_since_shared is None
                else ngettext(
                    "No experiment shared for %(days)d day.",
                    "No experiment shared for %(days)d days.",
                    s.days_since_shared,
                )
                % {"days": s.days_since_shared}
            )
            items.append(
                AttentionItem(2, text, reverse("phases:experiments", kwargs=slug), kind="silence")
            )
        rate = s.experiments_per_member_month
        if rate is not None and rate < EXPERIMENTS_PER_MEMBER_MONTH_LOW:
            items.append(
                AttentionItem(
                    2,
                    _(
                        "Few experiments: %(rate)s per member per month in the last three "
                        "months (%(n)d in all)."
                    )
                    % {"rate": number_format(rate, 1), "n": s.recent_logged},
                    reverse("phases:experiment_activity", kwargs=slug),
                    kind="rate",
                )
            )
        unanswered = s.unanswered_share
        if unanswered is not None and unanswered > UNANSWERED_SHARE_HIGH:
            first = next(
                (
                    r
                    for r in rows
                    if r["visibility"] == Experiment.Visibility.SHARED and r["pk"] not in answered
                ),
                None,
            )
            items.append(
                AttentionItem(
                    2,
                    _(
                        "%(n)d of %(of)d experiments shared recently have no response "
                        "from anyone else."
                    )
                    % {"n": s.recent_unanswered, "of": s.recent_shared},
                    reverse("phases:experiment_detail", kwargs={**slug, "pk": first["pk"]})
                    if first
                    else reverse("phases:experiments", kwargs=slug),
                    kind="unanswered",
                )
            )
        closed = s.closed_share
        if closed is not None and closed < CLOSED_CYCLE_SHARE_LOW:
            items.append(
                AttentionItem(
                    1,
                    _(
                        "Only %(n)d of %(of)d recent experiments say what was learned and "
                        "what will be tried next."
                    )
                    % {"n": s.recent_closed, "of": s.recent_logged},
                    reverse("phases:experiments", kwargs=slug),
                    kind="cycle",
                )
            )
    for flag in s.warning_runs:
        items.append(
            AttentionItem(
                2, flag.text, reverse("phases:monitor", kwargs=slug), since=flag.start, kind="run"
            )
        )
    items.sort(key=lambda i: (-i.urgency, i.since or today))
    return items


def _day(d: date) -> str:
    from django.utils.formats import date_format

    return date_format(d, "SHORT_DATE_FORMAT")


# Told on the dashboard by the other attention sources already (units: members who
# missed sessions, attendance falling; phases: overdue steps, six weeks without
# experiments).
DASHBOARD_TOLD_ELSEWHERE = frozenset({"member", "step", "silence", "attendance"})


def dashboard_attention(units) -> dict[int, list[str]]:
    """The monitor's warning signs for the dashboard (``units.registry``): a fixed
    number of queries, whatever the number of units."""
    return {
        unit_id: [
            item.text
            for item in s.items
            if item.urgency >= 2 and item.kind not in DASHBOARD_TOLD_ELSEWHERE
        ]
        for unit_id, s in unit_signals(units).items()
    }
