"""A list of people to invite, pasted or uploaded as CSV: read it and say, row by row,
what inviting them would do.

A list has a name, an e-mail address and (optionally) a role per row, separated by
``;``, ``,`` or a tab (pasted from a spreadsheet). A first row of column headers, in
Dutch or English, says which column is which; without one the order is name, e-mail,
role. Nothing here writes: ``services.invitations_create_bulk`` reads the list again,
under the unit's lock, and invites the rows marked ``invite``.
"""

import csv
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Invitation, Membership, Role

# A unit has 7-12 members; a list longer than this is not a list of people for one unit.
MAX_ROWS = 200
MAX_FILE_BYTES = 256 * 1024
NAME_MAX_LENGTH = 150

# Column headers, compared without case, accents, spaces or dashes.
_HEADERS = {
    "name": {"name", "fullname", "naam", "volledigenaam", "voorenachternaam"},
    "email": {"email", "emailaddress", "emailadres", "mail", "mailadres"},
    "role": {"role", "rol", "functie"},
}
# Role names besides the roles' own labels in each language and their codes.
_ROLE_SYNONYMS = {
    "client": Role.SERVICE_USER,
    "deelnemer": Role.SERVICE_USER,
    "ervaringsdeskundige": Role.SERVICE_USER,
    "naaste": Role.FAMILY_CARER,
    "manager": Role.MANAGER,
    "stakeholder": Role.MANAGER,
    "belanghebbende": Role.MANAGER,
    "begeleider": Role.FACILITATOR,
    "professionele": Role.PROFESSIONAL,
    "onderzoeker": Role.RESEARCHER,
}


class Outcome:
    INVITE = "invite"
    MEMBER = "member"  # already a member: not invited
    INVITED = "invited"  # an open invitation exists: not invited again
    PROBLEM = "problem"  # bad or missing values, or a duplicate: nothing can be sent


@dataclass
class ListRow:
    number: int  # the row in the file or pasted text, counting the header row
    name: str = ""
    email: str = ""
    role: str = ""
    problems: list[str] = field(default_factory=list)
    outcome: str = Outcome.INVITE
    note: str = ""  # why a row is not invited (member, invited until ...)

    def get_role_display(self) -> str:
        return Role(self.role).label if self.role in Role.values else ""


@dataclass
class InvitationList:
    rows: list[ListRow]
    problems: list[str]  # about the list as a whole (no rows, too many, no e-mail column)

    @property
    def to_invite(self) -> list[ListRow]:
        return [r for r in self.rows if r.outcome == Outcome.INVITE]

    @property
    def skipped(self) -> list[ListRow]:
        return [r for r in self.rows if r.outcome in (Outcome.MEMBER, Outcome.INVITED)]

    @property
    def with_problems(self) -> list[ListRow]:
        return [r for r in self.rows if r.outcome == Outcome.PROBLEM]

    @property
    def can_send(self) -> bool:
        return not self.problems and not self.with_problems and bool(self.to_invite)


def _key(text: str) -> str:
    """Lower case without accents, spaces, dashes or dots: "E-mail adres" -> "emailadres"."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text if c.isalnum())


def _role_names() -> dict[str, str]:
    names = dict(_ROLE_SYNONYMS)
    for language in ("en", "nl"):
        with translation.override(language):
            for value, label in Role.choices:
                names[_key(str(label))] = value
                # "Manager / stakeholder": each half on its own too.
                for part in str(label).split("/"):
                    names.setdefault(_key(part), value)
    names.update({_key(value): value for value in Role.values})
    return names


def decode_upload(upload) -> str:
    """The text of an uploaded list (UTF-8, with or without a byte order mark)."""
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a list of people may be at most %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_FILE_BYTES),
            }
        )
    data = upload.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "“%(name)s” is not saved as UTF-8 text. In Excel, choose Save as > "
                "“CSV UTF-8 (comma delimited)”."
            )
            % {"name": upload.name}
        ) from exc


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Which column holds what, if this row is a row of headers."""
    columns = {}
    for index, cell in enumerate(cells):
        key = _key(cell)
        for what, names in _HEADERS.items():
            if key in names and what not in columns:
                columns[what] = index
    return columns or None


def read_list(text: str, *, default_role: str) -> InvitationList:
    """Every row of a pasted or uploaded list, checked on its own (no database)."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered:
        return InvitationList([], [_("The list is empty. Give a name and e-mail address a row.")])
    delimiter = _delimiter(numbered[0][1])
    # Line by line, so that a row's number is its line (a stray quote spoils one row only).
    table = [
        (n, [c.strip() for c in next(csv.reader([line], delimiter=delimiter))])
        for n, line in numbered
    ]

    columns = _header_columns(table[0][1])
    has_header = columns is not None
    labels = {"name": _("name"), "email": _("e-mail"), "role": _("role")}
    if has_header:
        table = table[1:]
        if "email" not in columns:
            return InvitationList(
                [], [_("Row 1 has column headers, but none for the e-mail address.")]
            )
        if "name" not in columns:
            return InvitationList([], [_("Row 1 has column headers, but none for the name.")])
        if not table:
            return InvitationList(
                [], [_("The list has column headers only. Add a row for each person.")]
            )
    else:
        columns = {"name": 0, "email": 1, "role": 2}
    if len(table) > MAX_ROWS:
        return InvitationList(
            [],
            [
                _("The list has %(count)d rows; at most %(max)d can be invited at once.")
                % {"count": len(table), "max": MAX_ROWS}
            ],
        )

    role_names = _role_names()
    rows = []
    for number, cells in table:

        def cell(what, cells=cells):
            index = columns.get(what)
            return cells[index] if index is not None and index < len(cells) else ""

        row = ListRow(number=number, name=cell("name"), email=cell("email"))

        def problem(what, message, row=row):
            row.problems.append(
                _("Row %(row)d, column “%(column)s”: %(problem)s")
                % {"row": row.number, "column": labels[what], "problem": message}
            )

        if not row.name:
            problem("name", _("the name is missing."))
        elif len(row.name) > NAME_MAX_LENGTH:
            problem(
                "name", _("a name may be at most %(max)d characters.") % {"max": NAME_MAX_LENGTH}
            )
        if not row.email:
            problem("email", _("the e-mail address is missing."))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                problem("email", _("“%(value)s” is not an e-mail address.") % {"value": row.email})
            else:
                row.email = row.email.lower()
        role_text = cell("role")
        if role_text:
            row.role = role_names.get(_key(role_text), "")
            if not row.role:
                problem(
                    "role",
                    _("“%(value)s” is not a role. Roles: %(roles)s.")
                    % {"value": role_text, "roles": ", ".join(str(r.label) for r in Role)},
                )
        else:
            row.role = default_role
        if not has_header and len([c for c in cells if c]) > 3:
            row.problems.append(
                _("Row %(row)d has more than three columns: name, e-mail address, role.")
                % {"row": number}
            )
        rows.append(row)

    seen = {}
    for row in rows:
        if row.email and not row.problems:
            first = seen.setdefault(row.email, row.number)
            if first != row.number:
                row.problems.append(
                    _("Row %(row)d: %(email)s is in the list twice (also in row %(first)d).")
                    % {"row": row.number, "email": row.email, "first": first}
                )
        if row.problems:
            row.outcome = Outcome.PROBLEM
    return InvitationList(rows, [])


def plan_invitations(unit, invitation_list: InvitationList) -> InvitationList:
    """Mark the rows whose address is already a member of the unit, or already has an
    open invitation: they are reported and not invited again (two queries)."""
    emails = [r.email for r in invitation_list.rows if r.outcome == Outcome.INVITE]
    if not emails:
        return invitation_list
    # Accounts keep an address as it was typed; the list's are lower case.
    members = set(
        Membership.objects.current()
        .filter(unit=unit)
        .annotate(email=Lower("user__email"))
        .filter(email__in=emails)
        .values_list("email", flat=True)
    )
    open_until = {}
    for email, expires_at in Invitation.objects.filter(
        unit=unit, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).values_list("email", "expires_at"):
        open_until[email.lower()] = max(expires_at, open_until.get(email.lower(), expires_at))
    for row in invitation_list.rows:
        if row.outcome != Outcome.INVITE:
            continue
        if row.email in members:
            row.outcome = Outcome.MEMBER
            row.note = _("Already a member of this unit: not invited.")
        elif row.email in open_until:
            row.outcome = Outcome.INVITED
            row.note = _("Already invited; that invitation is open until %(date)s.") % {
                "date": _date(open_until[row.email])
            }
    return invitation_list


def _date(moment) -> str:
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def summary(invitation_list: InvitationList) -> str:
    parts = []
    if invitation_list.to_invite:
        n = len(invitation_list.to_invite)
        parts.append(
            ngettext("%(n)d person will be invited", "%(n)d people will be invited", n) % {"n": n}
        )
    if invitation_list.skipped:
        n = len(invitation_list.skipped)
        parts.append(
            ngettext(
                "%(n)d is already a member or invited",
                "%(n)d are already members or invited",
                n,
            )
            % {"n": n}
        )
    if invitation_list.with_problems:
        n = len(invitation_list.with_problems)
        parts.append(ngettext("%(n)d row has a problem", "%(n)d rows have a problem", n) % {"n": n})
    return "; ".join(parts) + "." if parts else ""
