"""Retention: a unit's personal data is removed a number of years after its planned
end (Unit.retention_years), and its facilitators are warned some weeks before.
Run daily by beat (units.apply_retention)."""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.erasure import unit_purge_texts

from .. import registry
from ..models import Membership, Role, Unit
from ._common import _site_url

logger = logging.getLogger(__name__)


def _warning_period() -> timedelta:
    return timedelta(weeks=settings.PRIVACY_RETENTION_WARNING_WEEKS)


def _candidates(today: date):
    """Units not yet purged whose retention could end within the warning period: the
    shortest retention is one year, so only units that ended before a year from the
    end of the warning period can be due (the rest are looked at in Python)."""
    horizon = today + _warning_period()
    latest_end = horizon - timedelta(days=365)
    return Unit.objects.filter(purged_at__isnull=True, planned_end__lte=latest_end).order_by("pk")


@dataclass
class RetentionRun:
    warned: list[int] = field(default_factory=list)
    purged: list[int] = field(default_factory=list)


def retention_apply(*, today: date | None = None) -> RetentionRun:
    """Warn the facilitators of units whose retention ends within the warning period
    (once), and purge the units whose retention has ended (once)."""
    today = today or timezone.localdate()
    run = RetentionRun()
    for unit in _candidates(today):
        ends_on = unit.retention_ends_on
        if ends_on <= today:
            unit_purge(unit=unit)
            run.purged.append(unit.pk)
        elif (
            ends_on - _warning_period() <= today
            and unit.retention_warned_at is None
            and unit_warn_retention(unit=unit)
        ):
            run.warned.append(unit.pk)
    return run


@transaction.atomic
def unit_warn_retention(*, unit: Unit) -> bool:
    """Tell the unit's facilitators when its personal data will be removed. Claimed on
    the row first, so that overlapping runs warn once."""
    claimed = Unit.objects.filter(pk=unit.pk, retention_warned_at__isnull=True).update(
        retention_warned_at=timezone.now()
    )
    if not claimed:
        return False
    unit.refresh_from_db()
    facilitators = [
        m.user
        for m in Membership.objects.current()
        .filter(unit=unit, role=Role.FACILITATOR, user__is_active=True)
        .select_related("user")
    ]
    registry.emit("unit.retention_due", unit=unit, ends_on=unit.retention_ends_on)
    messages = [_retention_email(unit, user) for user in facilitators]
    transaction.on_commit(lambda: _send(messages))
    return True


def _retention_email(unit: Unit, user) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "unit": unit,
            "ends_on": date_format(unit.retention_ends_on, "DATE_FORMAT"),
            "url": _site_url(unit.get_absolute_url()),
        }
        subject = _("%(unit)s: personal data will be removed on %(date)s") % {
            "unit": unit.name,
            "date": context["ends_on"],
        }
        body = render_to_string("units/email/retention_warning.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _send(messages) -> None:
    for message in messages:
        try:
            message.send()
        except Exception:  # one address that fails must not stop the others
            logger.exception("Retention warning to %s not sent", message.to)


@transaction.atomic
def unit_purge(*, unit: Unit) -> Unit:
    """Remove the personal data of the unit's members in this unit: their texts, the
    files uploaded for it, the addresses it invited, the link between members and
    respondent codes. Consent records (proof of consent), attendance figures and the
    pseudonymous research data are kept; accounts stay (people may be in other units)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.purged_at is not None:
        return unit
    unit_purge_texts(unit_id=unit.pk)
    memberships = Membership.objects.filter(unit=unit)
    memberships.update(respondent_code="")
    Membership.history.model.objects.filter(unit_id=unit.pk).update(respondent_code="")
    unit.purged_at = timezone.now()
    unit.save(update_fields=["purged_at"])
    return unit
