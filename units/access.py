"""Who may see and do what, decided per unit by the person's role in it.

This is the one place the rules live. Views ask for a unit through
``get_unit_access``, for a programme through ``get_programme_access`` (or
``get_programme_for_user``); templates look at ``access.perms``. Someone who is
not a member gets the same 404 as for a unit that does not exist; a member who
lacks the permission gets a 403.

It is also where access to a person's data is logged (NEN 7513): a view or
selector that shows or changes someone's experiments, attendance, motivation,
consent or research data says so through ``UnitAccess.log`` (or ``log_access``
outside a unit), and the log row is written here, never by the view.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import (
    ADMINISTRATOR,
    UNNAMED_KINDS,
    AccessAction,
    AccessLog,
    DataKind,
    Membership,
    Organisation,
    Programme,
    Role,
    Unit,
)


class Perm(StrEnum):
    VIEW = "view"  # the unit, its sessions, plan, shared experiments, reports
    CONTRIBUTE = "contribute"  # own entries: experiments, comments, own steps, motivation
    MANAGE_UNIT = "manage_unit"  # unit details, members, invitations
    MANAGE_SESSIONS = "manage_sessions"  # schedule, agenda, attendance, notes
    MANAGE_PHASE = "manage_phase"  # phase content, plan of action, phase transitions
    VIEW_HISTORY = "view_history"  # who changed what, when
    VIEW_RESEARCH = "view_research"  # statistics, themes, measures (pseudonymous data)
    MANAGE_RESEARCH = "manage_research"  # codebook, waves, imports, qualitative coding
    MANAGE_REPORTS = "manage_reports"  # narrative sections, rendering reports


_MEMBER = frozenset({Perm.VIEW, Perm.CONTRIBUTE})

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.FACILITATOR: _MEMBER
    | {
        Perm.MANAGE_UNIT,
        Perm.MANAGE_SESSIONS,
        Perm.MANAGE_PHASE,
        Perm.VIEW_HISTORY,
        Perm.VIEW_RESEARCH,
    },
    Role.RESEARCHER: _MEMBER | {Perm.VIEW_RESEARCH, Perm.MANAGE_RESEARCH, Perm.MANAGE_REPORTS},
    Role.PROFESSIONAL: _MEMBER,
    Role.STUDENT: _MEMBER,
    Role.SERVICE_USER: _MEMBER,
    Role.FAMILY_CARER: _MEMBER,
    Role.MANAGER: frozenset({Perm.VIEW, Perm.VIEW_RESEARCH}),
}

ALL_PERMS = frozenset(Perm)

# Who reads the unit as a client or their family rather than as a professional.
PLAIN_LANGUAGE_ROLES = frozenset({Role.SERVICE_USER, Role.FAMILY_CARER})


@dataclass(frozen=True)
class UnitAccess:
    """A person's standing in one unit: their membership (if any) and what it allows."""

    unit: Unit
    user: object
    membership: Membership | None
    perms: frozenset[Perm] = field(default=frozenset())

    def can(self, perm: Perm) -> bool:
        return perm in self.perms

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def reads_plain_language(self) -> bool:
        """Clients and family carers: pages speak plainly to them and leave out the
        facilitator's warnings about the group and the exit criteria."""
        return self.role in PLAIN_LANGUAGE_ROLES

    @property
    def is_admin(self) -> bool:
        return bool(self.user.is_staff)

    @property
    def acting_role(self) -> str:
        """The role this access is used in, as the access log records it."""
        return acting_role(self.user, self.membership)

    def log(self, action: AccessAction, kind: DataKind, accessed: Iterable["Accessed"]) -> int:
        """Record that this person ``action``-ed the ``kind`` data of each of ``accessed``.

        Called on GET too: logging a view is the one write a GET may make, and it is
        a single INSERT for a whole page of rows (a list logs its rows at once).
        """
        return log_access(
            user=self.user,
            role=self.acting_role,
            unit=self.unit,
            action=action,
            kind=kind,
            accessed=accessed,
        )


@dataclass(frozen=True)
class Accessed:
    """Whose data was shown or changed: a person, a respondent code, or both, and which row.

    ``unit_id``: the row's own unit, where one page shows rows of several units (the
    admin's lists); otherwise the unit of the call.
    """

    person_id: int | None = None
    object_id: int | None = None
    respondent: str = ""
    unit_id: int | None = None


def acting_role(user, membership: Membership | None) -> str:
    """Administrators act as administrators (their access comes from the account)."""
    if user.is_staff:
        return ADMINISTRATOR
    if membership is None:
        # Only someone with standing in the unit reaches its data: a bug, not a log line.
        raise PermissionDenied("Access to a unit's data without a role in it.")
    return membership.role


def log_access(
    *, user, role: str, unit: Unit | None, action: AccessAction, kind: DataKind, accessed
) -> int:
    """Write the access log entries for ``accessed`` in one INSERT; how many were written.

    Not logged: a person seeing or changing their own data (``person_id`` is theirs
    and no respondent code is involved) - nothing of theirs went to anyone else.
    Entries of an ``UNNAMED_KINDS`` kind (a report) name only the row, nobody.
    """
    unit_id = unit.pk if unit is not None else None
    connection = connections[AccessLog.objects.db]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            at,
            user.pk,
            str(role),
            item.unit_id if item.unit_id is not None else unit_id,
            item.person_id,
            item.respondent,
            str(kind),
            item.object_id,
            str(action),
        )
        for item in accessed
        if item.respondent
        or (item.person_id is not None and item.person_id != user.pk)
        or (kind in UNNAMED_KINDS and item.person_id is None and item.object_id is not None)
    ]
    _insert_entries(connection, rows)
    return len(rows)


_ENTRY_COLUMNS = (
    "at",
    "user_id",
    "role",
    "unit_id",
    "person_id",
    "respondent",
    "kind",
    "object_id",
    "action",
)
_ENTRIES_PER_INSERT = 500  # 4,500 parameters: far under SQLite's and PostgreSQL's limits


def _insert_entries(connection, rows: list[tuple]) -> None:
    """Plain INSERTs of many entries, without a model instance each: a list page logs
    its twenty rows on every view, and ``bulk_create`` cost more than the rest of the
    page's queries together. The table's own checks (the CHECK constraint, the
    append-only triggers) hold for these rows as for any."""
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _ENTRY_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(_ENTRY_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ENTRIES_PER_INSERT):
            chunk = rows[start : start + _ENTRIES_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608 - names from the model, values as parameters
                [value for row in chunk for value in row],
            )


def perms_for(user, membership: Membership | None) -> frozenset[Perm]:
    if user.is_authenticated and user.is_staff:
        return ALL_PERMS
    if membership is None:
        return frozenset()
    return ROLE_PERMS[membership.role]


def unit_access(user, unit: Unit) -> UnitAccess:
    """The access of ``user`` to an already loaded unit (no 404/403 raised)."""
    membership = None
    if user.is_authenticated:
        # At most one current membership per unit and person (a constraint): ordered by
        # pk, not by the model's ordering, whose joins cost more to compile than to run.
        membership = (
            Membership.objects.current().filter(unit=unit, user=user).order_by("pk").first()
        )
        if membership is not None:
            membership.unit, membership.user = unit, user  # both already loaded
    return UnitAccess(
        unit=unit, user=user, membership=membership, perms=perms_for(user, membership)
    )


def get_unit_access(user, slug: str, perm: Perm = Perm.VIEW) -> UnitAccess:
    """The unit with this slug as ``user`` may reach it, or 404 (not theirs) / 403 (not allowed)."""
    unit = Unit.objects.select_related("programme").filter(slug=slug).first()
    if unit is None or not user.is_authenticated:
        raise Http404
    access = unit_access(user, unit)
    if not access.perms:
        raise Http404
    if perm not in access.perms:
        raise PermissionDenied
    return access


def get_programme_for_user(user, slug: str) -> Programme:
    """A programme is visible to whoever may see at least one of its units."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not user.is_authenticated:
        raise Http404
    if not user.is_staff and not Unit.objects.visible_to(user).filter(programme=programme).exists():
        raise Http404
    return programme


@dataclass(frozen=True)
class ProgrammeAccess:
    """A person's standing in a programme: what they may do in each of its units.

    ``perms`` is what they may do with the programme as a whole, such as its
    comparison reports, which show every unit's figures: only what they may do
    in *every* one of its units (administrators: everything). A facilitator of
    one unit therefore never sees the other units' numbers through a programme
    page; a researcher who works in all of the programme's units does.
    """

    programme: Programme
    user: object
    units: tuple[Unit, ...]
    unit_perms: dict[int, frozenset[Perm]] = field(default_factory=dict)
    memberships: dict[int, Membership] = field(default_factory=dict)

    @property
    def acting_role(self) -> str:
        """The role the access log records for the programme as a whole: administrator,
        or the person's role in the first of its units (by name) they are a member of."""
        if self.user.is_staff:
            return ADMINISTRATOR
        membership = next(
            (self.memberships[u.pk] for u in self.units if u.pk in self.memberships), None
        )
        return acting_role(self.user, membership)

    def log(self, action: AccessAction, kind: DataKind, accessed: Iterable["Accessed"]) -> int:
        """As ``UnitAccess.log``, for what belongs to the programme (no unit)."""
        return log_access(
            user=self.user,
            role=self.acting_role,
            unit=None,
            action=action,
            kind=kind,
            accessed=accessed,
        )

    @property
    def perms(self) -> frozenset[Perm]:
        if self.user.is_staff:
            return ALL_PERMS
        if not self.units:
            return frozenset()
        return frozenset.intersection(*(self.unit_perms[u.pk] for u in self.units))

    def can(self, perm: Perm) -> bool:
        return perm in self.perms

    def units_where(self, perm: Perm) -> list[Unit]:
        """The programme's units in which the person has ``perm``, by name."""
        return [u for u in self.units if perm in self.unit_perms[u.pk]]

    @property
    def is_member(self) -> bool:
        """Staff, or a current member of at least one of the programme's units."""
        return bool(self.user.is_staff) or any(self.unit_perms.values())


def programme_access(user, programme: Programme) -> ProgrammeAccess:
    """The access of ``user`` to an already loaded programme (no 404/403 raised)."""
    units = tuple(Unit.objects.filter(programme=programme).order_by("name"))
    memberships = {}
    if user.is_authenticated and not user.is_staff:
        memberships = {
            m.unit_id: m
            for m in Membership.objects.current().filter(user=user, unit__programme=programme)
        }
    return ProgrammeAccess(
        programme=programme,
        user=user,
        units=units,
        unit_perms={u.pk: perms_for(user, memberships.get(u.pk)) for u in units},
        memberships=memberships,
    )


def get_programme_access(
    user, slug: str, perm: Perm = Perm.VIEW, *, in_every_unit: bool = True
) -> ProgrammeAccess:
    """The programme with this slug as ``user`` may reach it, or 404 / 403.

    404 for a programme that does not exist and for someone who is in none of
    its units (as for a unit). 403 unless the person has ``perm`` in every unit
    of the programme (``ProgrammeAccess.perms``): the rule for the programme's
    comparison reports (list, status, PDF, compare, text, request), whose pages
    and PDFs show every unit. ``in_every_unit=False`` asks for ``perm`` in at
    least one unit: the research comparison page, which shows only the units
    whose research the person may see (``units_where``).
    """
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None or not user.is_authenticated:
        raise Http404
    access = programme_access(user, programme)
    if not access.is_member:
        raise Http404
    allowed = access.can(perm) if in_every_unit else bool(access.units_where(perm))
    if not allowed and not user.is_staff:
        raise PermissionDenied
    return access


def perms_for_role(user, role: str | None) -> frozenset[Perm]:
    """What ``role`` allows ``user`` (administrators may do everything), without a query."""
    if user.is_authenticated and user.is_staff:
        return ALL_PERMS
    return ROLE_PERMS.get(role, frozenset()) if role else frozenset()


def can_create_units(user, *, current_roles=None) -> bool:
    """Administrators, and people who facilitate at least one unit, may start a new one.

    ``current_roles``: the person's roles in their current units, where the caller has
    read them already (the dashboard); otherwise one query."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if current_roles is not None:
        return Role.FACILITATOR in current_roles
    return Membership.objects.current().filter(user=user, role=Role.FACILITATOR).exists()


def programmes_choosable(user, unit: Unit | None = None):
    """The programmes ``user`` may put a unit into.

    Joining a programme opens its comparison (every unit's figures) to the unit,
    so it is decided by whoever may manage the programme: an administrator, the
    person who started it, or a facilitator of a unit already in it. A unit keeps
    the programme it is in.
    """
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_staff:
        return Programme.objects.all()
    managed = Q(created_by=user) | Q(
        units__memberships__user=user,
        units__memberships__left_on__isnull=True,
        units__memberships__role=Role.FACILITATOR,
    )
    if unit is not None and unit.programme_id:
        managed |= Q(pk=unit.programme_id)
    return Programme.objects.filter(managed).distinct()


def organisations_choosable(user, unit: Unit | None = None):
    """The organisations offered to ``user`` for a unit: those of the units they are
    in (and the unit's own). Other organisations' names are not theirs to see."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    mine = Q(units__in=Unit.objects.visible_to(user))
    if unit is not None:
        mine |= Q(units=unit)
    return Organisation.objects.filter(mine).distinct()
