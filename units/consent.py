"""Reads about consent: a unit's current consent text, each member's latest answer,
and whose data reports leave out. Nothing here writes (units.services.consent does)."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from .models import ConsentRecord, ConsentText, Membership, Unit

# The text a facilitator starts from (B1 level): they adapt it to their unit.
DEFAULT_TEXT_NL = """\
Wij vragen je toestemming.

In deze groep leren we samen hoe de zorg beter kan. Onderzoekers kijken mee. Zij \
gebruiken wat je schrijft en zegt in verslagen. Je naam staat daar niet in, als je \
cliënt of mantelzorger bent.

Wat gebeurt er met je gegevens?
- We bewaren je naam, je e-mailadres en wat je schrijft in deze app.
- Onderzoekers zien je antwoorden onder een code, niet onder je naam.
- Na het einde van de groep bewaren we je gegevens niet langer dan nodig.

Je mag altijd nee zeggen. Je mag je toestemming later ook weer intrekken. Dat kan op \
deze pagina. Je kunt dan gewoon blijven meedoen. Verslagen die daarna gemaakt worden, \
gebruiken jouw gegevens niet meer."""

DEFAULT_TEXT_EN = """\
We ask for your consent.

In this group we learn together how care can be better. Researchers take part. They \
use what you write and say in reports. Your name is not in them if you are a client \
or family carer.

What happens to your data?
- We keep your name, your e-mail address and what you write in this application.
- Researchers see your answers under a code, not under your name.
- After the group ends, we keep your data no longer than needed.

You may always say no. You may also withdraw your consent later, on this page. You \
can still take part. Reports made after that no longer use your data."""


def current_consent_text(unit: Unit) -> ConsentText | None:
    """The unit's newest consent text, or None if it asks none (one query)."""
    return ConsentText.objects.filter(unit=unit).order_by("-version").first()


# What a member's consent looks like now, for the overview pages.
STATUS_LABELS = {
    "given": _("Given"),
    "given_earlier": _("Given for an earlier version; asked again"),
    "declined": _("Declined"),
    "withdrawn": _("Withdrawn"),
    "asked": _("Not answered yet"),
    "no_text": _("No consent text"),
}


@dataclass(frozen=True)
class ConsentStatus:
    membership: Membership
    record: ConsentRecord | None
    current: ConsentText | None

    @property
    def code(self) -> str:
        if self.current is None:
            return "no_text"
        if self.record is None:
            return "asked"
        if self.record.decision != ConsentRecord.Decision.GIVEN:
            return self.record.decision
        if self.record.consent_text_id != self.current.pk:
            return "given_earlier"
        return "given"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]

    @property
    def leaves_out(self) -> bool:
        return self.record is not None and self.record.leaves_out

    @property
    def needs_answer(self) -> bool:
        """Whether the person is to be asked (no answer to the current version)."""
        return self.current is not None and (
            self.record is None or self.record.consent_text_id != self.current.pk
        )


def _latest_records(memberships) -> dict[int, ConsentRecord]:
    records = (
        ConsentRecord.objects.filter(membership__in=memberships)
        .latest_per_membership()
        .select_related("consent_text", "recorded_by")
    )
    return {r.membership_id: r for r in records}


def consent_statuses(unit: Unit, memberships=None) -> list[ConsentStatus]:
    """Each current member's consent (or of ``memberships``), at three queries."""
    if memberships is None:
        memberships = list(Membership.objects.current().filter(unit=unit).select_related("user"))
    current = current_consent_text(unit)
    latest = _latest_records([m.pk for m in memberships])
    return [ConsentStatus(m, latest.get(m.pk), current) for m in memberships]


def consent_status_of(membership: Membership) -> ConsentStatus:
    return consent_statuses(membership.unit, [membership])[0]


def left_out_memberships():
    """The memberships (current or former) whose latest answer declines or withdraws
    consent, in any unit: a queryset to filter further or use as a subquery."""
    latest = ConsentRecord.objects.filter(membership=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return Membership.objects.annotate(decision=Subquery(latest.values("decision")[:1])).filter(
        decision__in=[ConsentRecord.Decision.DECLINED, ConsentRecord.Decision.WITHDRAWN]
    )


def left_out_user_ids(unit: Unit) -> set[int]:
    """The people (current or former members) whose latest answer declines or withdraws
    consent: their data is left out of reports made from now on (one query)."""
    return set(left_out_memberships().filter(unit=unit).values_list("user_id", flat=True))


def left_out_respondent_codes(unit: Unit) -> set[str]:
    """The respondent codes of those people, where the researcher linked one."""
    latest = ConsentRecord.objects.filter(membership=OuterRef("pk")).order_by("-recorded_at", "-pk")
    return set(
        Membership.objects.filter(unit=unit)
        .exclude(respondent_code="")
        .annotate(decision=Subquery(latest.values("decision")[:1]))
        .filter(decision__in=[ConsentRecord.Decision.DECLINED, ConsentRecord.Decision.WITHDRAWN])
        .values_list("respondent_code", flat=True)
    )


def units_awaiting_consent(user, units) -> list[Unit]:
    """Those of ``units`` (the person's current units) whose newest consent text the
    person has not answered: what "My work" asks them about. One query when none of the
    units has a consent text, two otherwise (simple ones: the dashboard asks on every visit)."""
    newest = {}
    for unit_id, text_id in (
        ConsentText.objects.filter(unit_id__in=[u.pk for u in units])
        .order_by("unit_id", "-version")
        .values_list("unit_id", "pk")
    ):
        newest.setdefault(unit_id, text_id)
    if not newest:
        return []
    answered = set(
        ConsentRecord.objects.filter(
            membership__user=user,
            membership__left_on__isnull=True,
            consent_text_id__in=newest.values(),
        ).values_list("consent_text_id", flat=True)
    )
    return [u for u in units if u.pk in newest and newest[u.pk] not in answered]


def profile_consent_section(user) -> dict:
    """The person's consent in each of their units, for their profile (three queries)."""
    memberships = list(
        Membership.objects.current().filter(user=user).select_related("unit").order_by("unit__name")
    )
    newest = {}
    for text in ConsentText.objects.filter(unit__in=[m.unit_id for m in memberships]).order_by(
        "unit", "-version"
    ):
        newest.setdefault(text.unit_id, text)
    latest = _latest_records([m.pk for m in memberships])
    return {
        "consent_statuses": [
            ConsentStatus(m, latest.get(m.pk), newest.get(m.unit_id)) for m in memberships
        ]
    }
