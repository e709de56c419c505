"""Reads for unit pages, with their joins built in: a page costs the same number of
queries for one unit, member or session as for fifty."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from . import registry
from .access import Perm, perms_for_role
from .addresses import unit_url
from .models import AccessLog, Attendance, Invitation, Membership, Role, Rsvp, Session, Unit
from .services import group_warnings

# The attention rules look at the last RECENT_SESSIONS sessions with attendance
# taken; a member present at fewer than PRESENT_AT_LEAST of them is flagged.
RECENT_SESSIONS = 3
PRESENT_AT_LEAST = 2


def _next_session_subquery(field_name: str):
    return Subquery(
        Session.objects.filter(
            unit=OuterRef("pk"), status=Session.Status.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .values(field_name)[:1]
    )


def units_for_dashboard(user):
    """The person's units (every unit for administrators) with their role, group size
    and next session (and their answer for it), in one query.

    A plain join for the role and subqueries without ordering joins: the dashboard runs
    it on every visit, and Django's SQL compiler costs more than PostgreSQL does here.
    """
    group_size = (
        Membership.objects.current()
        .filter(unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    units = (
        Unit.objects.visible_to(user)
        .select_related("programme")
        .annotate(
            group_size=Coalesce(Subquery(group_size), 0),
            next_session_at=_next_session_subquery("starts_at"),
            next_session_id=_next_session_subquery("pk"),
            # The person's answer for it ("My work" asks those who have not answered).
            next_session_answer=Subquery(
                Rsvp.objects.filter(session_id=OuterRef("next_session_id"), user=user)
                .order_by()
                .values("answer")[:1]
            ),
        )
    )
    if user.is_staff:  # every unit, a member of some of them
        my_role = Membership.objects.current().filter(unit=OuterRef("pk"), user=user).order_by()
        units = units.annotate(my_role=Subquery(my_role.values("role")[:1]))
    else:  # the membership visible_to() joined
        units = units.annotate(my_role=F("memberships__role"))
    return units.order_by("name")


# --- What needs a facilitator's attention --------------------------------------------


def _recent_attended_sessions(unit_ids, limit):
    """Per unit, the last ``limit`` past planned sessions where attendance was taken."""
    ranked = (
        Session.objects.filter(
            unit_id__in=unit_ids,
            status=Session.Status.PLANNED,
            starts_at__lt=timezone.now(),
        )
        .filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=F("starts_at").desc())
        )
        .filter(rank__lte=limit)
        .values_list("pk", "unit_id", "starts_at")
    )
    by_unit = defaultdict(list)
    for pk, unit_id, starts_at in ranked:
        by_unit[unit_id].append((pk, starts_at))
    for sessions in by_unit.values():
        sessions.sort(key=lambda s: s[1], reverse=True)  # newest first
    return by_unit


def session_attention(units) -> dict[int, list[str]]:
    """No session planned, attendance falling, members who missed the last three sessions.

    Three queries, whatever the number of units.
    """
    units = list(units)
    unit_ids = [u.pk for u in units]
    attention: dict[int, list[str]] = defaultdict(list)
    if not unit_ids:
        return attention
    for unit in units:
        if getattr(unit, "next_session_at", None) is None:
            attention[unit.pk].append(_("No session is planned."))

    recent = _recent_attended_sessions(unit_ids, RECENT_SESSIONS + 1)
    session_ids = [pk for sessions in recent.values() for pk, _start in sessions]
    present = defaultdict(set)  # session id -> users present
    recorded = Counter()  # session id -> people on the list
    for session_id, user_id, status in Attendance.objects.filter(
        session_id__in=session_ids
    ).values_list("session_id", "user_id", "status"):
        recorded[session_id] += 1
        if status == Attendance.Status.PRESENT:
            present[session_id].add(user_id)

    members = (
        Membership.objects.current()
        .filter(unit_id__in=unit_ids)
        .exclude(role=Role.MANAGER)
        .select_related("user")
        .order_by("user__full_name")
    )
    counts_researchers = {u.pk: u.researchers_attend for u in units}
    members_by_unit = defaultdict(list)
    for membership in members:
        # Researchers come when the research needs them, unless the unit says otherwise.
        if membership.role == Role.RESEARCHER and not counts_researchers[membership.unit_id]:
            continue
        members_by_unit[membership.unit_id].append(membership)

    for unit_id, sessions in recent.items():
        # Attendance falling: the share present dropped at each of the last three sessions.
        shares = [len(present[pk]) / recorded[pk] for pk, _start in sessions[:3] if recorded[pk]]
        if len(shares) == 3 and shares[0] < shares[1] < shares[2]:
            attention[unit_id].append(
                _(
                    "Attendance is falling: %(then)d%% present three sessions ago, "
                    "%(now)d%% at the last."
                )
                % {"then": round(shares[2] * 100), "now": round(shares[0] * 100)}
            )
        last = sessions[:RECENT_SESSIONS]
        if len(last) < RECENT_SESSIONS:
            continue
        oldest = timezone.localtime(last[-1][1]).date()
        missing = [
            m.user.get_full_name()
            for m in members_by_unit[unit_id]
            if m.joined_on <= oldest
            and sum(m.user_id in present[pk] for pk, _s in last) < PRESENT_AT_LEAST
        ]
        if missing:
            attention[unit_id].append(
                ngettext(
                    "Missed two or more of the last three sessions: %(names)s.",
                    "Missed two or more of the last three sessions: %(names)s.",
                    len(missing),
                )
                % {"names": ", ".join(missing)}
            )
    return attention


def attention_for_units(units) -> dict[int, list[str]]:
    """Everything that needs attention, per unit id: the sources in ``units.registry``
    (sessions here; overdue steps and stagnation from phases), each at a fixed number
    of queries."""
    units = list(units)
    combined: dict[int, list[str]] = defaultdict(list)
    for source in registry.attention_sources():
        for unit_id, messages in source.attention(units).items():
            combined[unit_id].extend(messages)
    return combined


@dataclass
class DashboardRow:
    unit: Unit
    perms: frozenset
    attention: list[str] = field(default_factory=list)

    @property
    def can_manage(self):
        return Perm.MANAGE_SESSIONS in self.perms

    @property
    def role_label(self):
        return Role(self.unit.my_role).label if self.unit.my_role else ""

    @property
    def url(self):
        return unit_url("units:detail", self.unit.slug)

    @property
    def next_session_url(self):
        return unit_url("units:session_detail", self.unit.slug, self.unit.next_session_id)


def dashboard(user) -> list[DashboardRow]:
    units = list(units_for_dashboard(user))
    rows = [DashboardRow(unit=u, perms=perms_for_role(user, u.my_role)) for u in units]
    managed = [row.unit for row in rows if row.can_manage]
    attention = attention_for_units(managed)
    for row in rows:
        row.attention = attention.get(row.unit.pk, [])
    return rows


# --- Unit pages --------------------------------------------------------------------


@dataclass
class Composition:
    size: int
    by_role: list[tuple[str, int]]  # (role label, count), in the order of Role
    warnings: list[str]


def composition_of(memberships) -> Composition:
    return _composition_from_counts(Counter(m.role for m in memberships))


def unit_composition(unit) -> Composition:
    """The group's size and roles counted in the database (one query): the overview
    needs the numbers only, not every member loaded with their account."""
    counts = Counter(
        dict(
            Membership.objects.current()
            .filter(unit=unit)
            .values_list("role")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    return _composition_from_counts(counts)


def _composition_from_counts(counts: Counter) -> Composition:
    by_role = [(label, counts[value]) for value, label in Role.choices if counts[value]]
    size = sum(counts.values())
    return Composition(
        size=size, by_role=by_role, warnings=group_warnings(size=size, roles=set(counts))
    )


def current_memberships(unit):
    return list(
        Membership.objects.current()
        .filter(unit=unit)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def ended_memberships(unit):
    return list(
        Membership.objects.filter(unit=unit, left_on__isnull=False)
        .select_related("user")
        .order_by("-left_on")
    )


def next_session(unit):
    session = (
        Session.objects.filter(
            unit=unit, status=Session.Status.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    if session is not None:
        session.unit = unit  # its address needs the unit's slug: not read again
    return session


def sessions_for_unit(unit, *, past: bool = False):
    """Upcoming sessions (soonest first) or past ones (latest first): what their list shows.

    Without the counts, so that paging counts the sessions alone; add them to the
    page's slice with ``with_session_counts``."""
    sessions = Session.objects.filter(unit=unit).only(
        "unit", "starts_at", "status", "location", "online_url", "phase"
    )
    now = timezone.now()
    if past:
        return sessions.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return sessions.filter(starts_at__gte=now).order_by("starts_at", "pk")


def with_session_counts(sessions):
    """The sessions with ``agenda_count`` and ``present_count`` (also on a page's slice)."""
    return sessions.annotate(
        agenda_count=Count("agenda_items", distinct=True),
        present_count=Count(
            "attendances",
            filter=Q(attendances__status=Attendance.Status.PRESENT),
            distinct=True,
        ),
    )


def session_with_details(unit, pk):
    return (
        Session.objects.filter(unit=unit, pk=pk)
        .select_related("unit")
        .prefetch_related(
            "agenda_items",
            Prefetch("attendances", queryset=Attendance.objects.select_related("user")),
            "rsvps",
            "attachments",
        )
        .first()
    )


def rsvp_summary(session, memberships) -> dict:
    """Expected attendance for the facilitator, from the session's prefetched answers:
    how many chose each answer, and who of the current members has not answered."""
    answers = {r.user_id: r.answer for r in session.rsvps.all()}
    members = [m.user for m in memberships]
    by_answer = {a: [u for u in members if answers.get(u.pk) == a] for a in Rsvp.Answer.values}
    labels = {
        Rsvp.Answer.YES: pgettext("expected attendance", "Coming"),
        Rsvp.Answer.MAYBE: pgettext("expected attendance", "Maybe"),
        Rsvp.Answer.NO: pgettext("expected attendance", "Not coming"),
    }
    return {
        "rows": [(labels[value], by_answer[value]) for value in Rsvp.Answer.values],
        "unanswered": [u for u in members if u.pk not in answers],
    }


def sessions_for_feed(user):
    """Every session of the person's current units (past three months and on)."""
    since = timezone.now() - timedelta(days=92)
    return (
        Session.objects.filter(
            unit__memberships__user=user,
            unit__memberships__left_on__isnull=True,
            starts_at__gte=since,
        )
        .select_related("unit")
        .prefetch_related("agenda_items")
        .distinct()
        .order_by("starts_at")
    )


# Expired invitations stay on the members page this long, then only in the admin.
EXPIRED_INVITATIONS_SHOWN_FOR = timedelta(days=30)


def invitations_recent(unit) -> list[Invitation]:
    """What became of the unit's invitations: the open ones, and those accepted or that
    expired (or were withdrawn) in the last month, newest first; older ones would only
    grow the page."""
    since = timezone.now() - EXPIRED_INVITATIONS_SHOWN_FOR
    return list(
        Invitation.objects.filter(unit=unit)
        .filter(Q(accepted_at__isnull=True, expires_at__gt=since) | Q(accepted_at__gt=since))
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at")
    )


def is_researcher(user) -> bool:
    """Whether the person is a researcher in a unit now (one query): a second factor
    rule (accounts.second_factor), since researchers hold the units' research data."""
    return Membership.objects.current().filter(user=user, role=Role.RESEARCHER).exists()


def access_log_about(person):
    """Who looked at or changed ``person``'s data, newest first (their own page)."""
    return AccessLog.objects.about(person)
