"""Consent: a unit's consent text (versioned) and its members' answers to it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import ConsentRecord, ConsentText, Membership, Unit
from ._common import _lock


@transaction.atomic
def consent_text_publish(*, unit: Unit, text_nl: str, text_en: str, by) -> ConsentText:
    """A new version of the unit's consent text; every member is asked again."""
    text_nl, text_en = text_nl.strip(), text_en.strip()
    if not text_nl or not text_en:
        raise ValidationError(_("Write the consent text in both Dutch and English."))
    _lock(unit)
    latest = ConsentText.objects.filter(unit=unit).aggregate(v=Max("version"))["v"] or 0
    return ConsentText.objects.create(
        unit=unit, version=latest + 1, text_nl=text_nl, text_en=text_en, published_by=by
    )


@transaction.atomic
def consent_record(
    *, membership: Membership, decision: str, method: str, by, consent_text: ConsentText | None
) -> ConsentRecord:
    """The member's answer to the unit's current consent text: given or declined on
    joining, withdrawn later. Online answers are the person's own; a facilitator
    records an answer given on paper."""
    if consent_text is None:
        raise ValidationError(_("This unit has no consent text yet."))
    if consent_text.unit_id != membership.unit_id:
        raise ValidationError(_("This consent text belongs to another unit."))
    if decision not in ConsentRecord.Decision.values:
        raise ValidationError(_("Choose whether consent is given, declined or withdrawn."))
    if method not in ConsentRecord.Method.values:
        raise ValidationError(_("Choose how the answer was given."))
    if method == ConsentRecord.Method.ONLINE and by is not None and by.pk != membership.user_id:
        raise ValidationError(_("Only the person themselves answers online."))
    if not membership.is_current:
        raise ValidationError(_("This person is no longer a member of the unit."))
    return ConsentRecord.objects.create(
        membership=membership,
        user_id=membership.user_id,
        consent_text=consent_text,
        decision=decision,
        method=method,
        recorded_by=by,
    )


@transaction.atomic
def membership_set_respondent_code(*, membership: Membership, code: str) -> Membership:
    """The code under which the research data holds the member's answers (or none)."""
    code = code.strip()
    if len(code) > 64:
        raise ValidationError(_("A respondent code has at most 64 characters."))
    if (
        code
        and Membership.objects.filter(unit_id=membership.unit_id, respondent_code=code)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            _("The respondent code %(code)s is already another member's.") % {"code": code}
        )
    membership.respondent_code = code
    membership.save(update_fields=["respondent_code"])
    return membership
