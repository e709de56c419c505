from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import FacilitatorNote, Membership, Unit


@transaction.atomic
def facilitator_note_create(*, unit: Unit, author, text: str, member=None) -> FacilitatorNote:
    """A note in the facilitator's own log, on the unit or on one of its current members."""
    if not text.strip():
        raise ValidationError({"text": _("Write something in the note.")})
    if (
        member is not None
        and not Membership.objects.current().filter(unit=unit, user=member).exists()
    ):
        raise ValidationError({"member": _("This person is not a member of this unit.")})
    return FacilitatorNote.objects.create(
        unit=unit, author=author, text=text.strip(), member=member
    )
