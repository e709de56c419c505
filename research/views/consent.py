"""The researcher's consent overview: per member and per respondent code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from units import services as unit_services
from units.access import Accessed, Perm, get_unit_access
from units.consent import consent_statuses, current_consent_text
from units.models import AccessAction, DataKind, Membership

from ..consent import CODES_PER_PAGE, respondent_codes_in_data, respondent_consent
from ._common import data_context


@login_required
@require_GET
def consent(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    unit = access.unit
    memberships = list(
        Membership.objects.filter(unit=unit).select_related("user").order_by("role", "pk")
    )
    statuses = consent_statuses(unit, memberships)
    page = Paginator(respondent_codes_in_data(unit), CODES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    codes = respondent_consent(list(page.object_list), statuses)
    # Each member's answer (with their code, if linked), and each code of this page that
    # is no member's: one entry each, one INSERT.
    access.log(
        AccessAction.VIEWED,
        DataKind.CONSENT,
        [
            *(
                Accessed(
                    person_id=s.membership.user_id,
                    respondent=s.membership.respondent_code,
                    object_id=s.record.pk if s.record else None,
                )
                for s in statuses
            ),
            *(Accessed(respondent=c.code) for c in codes if c.status is None),
        ],
    )
    return render(
        request,
        "research/consent.html",
        data_context(
            access,
            "consent",
            current=current_consent_text(unit),
            statuses=statuses,
            page=page,
            codes=codes,
            left_out=sum(1 for s in statuses if s.leaves_out),
        ),
    )


@login_required
@require_POST
def respondent_code(request, slug, pk):
    """The researcher links a member to their respondent code in the data."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_RESEARCH)
    membership = get_object_or_404(Membership, unit=access.unit, pk=pk)
    try:
        unit_services.membership_set_respondent_code(
            membership=membership, code=request.POST.get("respondent_code", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, gettext("The respondent code has been saved."))
    return redirect("research:consent", slug=slug)
