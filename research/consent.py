"""Consent as research sees it: per respondent code in the unit's data, whether the
answers count (units holds the consent records and each member's respondent code;
research knows which codes are in the data)."""

from dataclasses import dataclass

from django.db.models import Count

from units.consent import ConsentStatus

from .models import Observation

CODES_PER_PAGE = 50


@dataclass(frozen=True)
class RespondentConsent:
    code: str
    values: int
    status: ConsentStatus | None  # None: no member has this code

    @property
    def counted(self) -> bool:
        """Whether reports made now count this respondent's answers."""
        return self.status is None or not self.status.leaves_out


def respondent_codes_in_data(unit):
    """The unit's respondent codes with their number of values, by code (a queryset)."""
    return (
        Observation.objects.filter(unit=unit)
        .values("respondent")
        .annotate(n=Count("id"))
        .order_by("respondent")
    )


def respondent_consent(codes: list[dict], statuses: list[ConsentStatus]) -> list[RespondentConsent]:
    """Each code of a page of ``respondent_codes_in_data`` with the consent of the
    member who has it (no query: ``statuses`` are the unit's members')."""
    by_code = {s.membership.respondent_code: s for s in statuses if s.membership.respondent_code}
    return [RespondentConsent(c["respondent"], c["n"], by_code.get(c["respondent"])) for c in codes]
