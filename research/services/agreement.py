"""Writes of the agreement between coders: a blind second coding and the agreed coding."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..agreement import segments
from ..models import CodedFragment, CodingComparison, SegmentCode
from ..selectors import themes_for_unit


@transaction.atomic
def comparison_start(*, material, second_coder) -> CodingComparison:
    """``second_coder`` codes ``material`` blind: they may not have coded it already, and
    someone else must have (there has to be a first coding to compare with)."""
    fragments = CodedFragment.objects.filter(
        content_type=ContentType.objects.get_for_model(material), object_id=material.pk
    )
    if fragments.filter(coded_by=second_coder).exists():
        raise ValidationError(
            gettext("You coded passages of this material yourself: a second coder must not have.")
        )
    if not fragments.exclude(coded_by=second_coder).exists():
        raise ValidationError(gettext("Nobody has coded this material yet: code it first."))
    comparison, _created = CodingComparison.objects.get_or_create(
        material=material, second_coder=second_coder, defaults={"unit": material.unit}
    )
    return comparison


def _save_codes(comparison, role: str, codes: dict[int, list]) -> None:
    n = len(segments(comparison.material.text))
    allowed = set(themes_for_unit(comparison.unit).values_list("pk", flat=True))
    for index, themes in codes.items():
        if not 0 <= index < n:
            raise ValidationError(
                gettext("Paragraph %(n)s is not in the material.") % {"n": index + 1}
            )
        if any(t.pk not in allowed for t in themes):
            raise ValidationError(gettext("Choose themes of this unit or its programme."))
    SegmentCode.objects.filter(comparison=comparison, role=role).delete()
    for index, themes in sorted(codes.items()):
        code = SegmentCode.objects.create(comparison=comparison, segment=index, role=role)
        code.themes.set(themes)


@transaction.atomic
def second_coding_save(
    *, comparison: CodingComparison, actor, codes: dict[int, list], submit: bool
) -> CodingComparison:
    """The second coder's themes per paragraph; ``submit`` closes the blind coding."""
    comparison = CodingComparison.objects.select_for_update().get(pk=comparison.pk)
    if comparison.second_coder_id != actor.pk:
        raise PermissionDenied(gettext("Only the second coder can code this material blind."))
    if comparison.status != CodingComparison.Status.OPEN:
        raise ValidationError(gettext("This blind coding has been submitted already."))
    _save_codes(comparison, SegmentCode.Role.SECOND, codes)
    if submit:
        comparison.status = CodingComparison.Status.SUBMITTED
        comparison.submitted_at = timezone.now()
        comparison.save(update_fields=["status", "submitted_at"])
    return comparison


@transaction.atomic
def agreed_coding_save(
    *, comparison: CodingComparison, actor, codes: dict[int, list]
) -> CodingComparison:
    """The coding both coders agreed on, per paragraph, after comparing."""
    comparison = CodingComparison.objects.select_for_update().get(pk=comparison.pk)
    if comparison.status == CodingComparison.Status.OPEN:
        raise ValidationError(gettext("The second coder has not submitted the blind coding yet."))
    _save_codes(comparison, SegmentCode.Role.AGREED, codes)
    comparison.status = CodingComparison.Status.AGREED
    comparison.agreed_at = timezone.now()
    comparison.agreed_by = actor
    comparison.save(update_fields=["status", "agreed_at", "agreed_by"])
    return comparison
