"""Consent: a member answers the unit's consent text (and withdraws it later); the
facilitator publishes the text and records answers given on paper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..access import Accessed, Perm, get_unit_access
from ..consent import (
    DEFAULT_TEXT_EN,
    DEFAULT_TEXT_NL,
    consent_status_of,
    consent_statuses,
    current_consent_text,
)
from ..forms import ConsentTextForm, PaperConsentForm, form_errors_from
from ..models import AccessAction, ConsentRecord, DataKind, Membership

# What a member may answer online: give or decline, and withdraw what they gave.
ONLINE_ANSWERS = {
    "give": ConsentRecord.Decision.GIVEN,
    "decline": ConsentRecord.Decision.DECLINED,
    "withdraw": ConsentRecord.Decision.WITHDRAWN,
}

ANSWERED = {
    ConsentRecord.Decision.GIVEN: gettext_lazy("Thank you. Your consent has been recorded."),
    ConsentRecord.Decision.DECLINED: gettext_lazy(
        "Your answer has been recorded: you do not give consent. You can still take part."
    ),
    ConsentRecord.Decision.WITHDRAWN: gettext_lazy(
        "Your consent has been withdrawn. Reports made from now on leave your data out."
    ),
}


@login_required
def consent(request, slug):
    """The person's own consent in this unit: read the text, give, decline, withdraw."""
    access = get_unit_access(request.user, slug)
    membership = access.membership
    if membership is None:  # an administrator who is not a member answers nothing
        messages.info(request, _("You are not a member of this unit."))
        return redirect("units:members", slug=slug)
    status = consent_status_of(membership)
    if request.method == "POST":
        decision = ONLINE_ANSWERS.get(request.POST.get("answer", ""))
        if decision is None:
            messages.error(request, _("Choose one of the buttons to answer."))
            return redirect("units:consent", slug=slug)
        try:
            services.consent_record(
                membership=membership,
                decision=decision,
                method=ConsentRecord.Method.ONLINE,
                by=request.user,
                consent_text=status.current,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("units:consent", slug=slug)
        messages.success(request, str(ANSWERED[decision]))
        return redirect(access.unit)
    history = ConsentRecord.objects.filter(membership=membership).select_related(
        "consent_text", "recorded_by"
    )[:20]
    return render(
        request,
        "units/consent.html",
        {
            "access": access,
            "unit": access.unit,
            "status": status,
            "text": status.current.text_in(get_language()) if status.current else "",
            "history": history,
        },
    )


@login_required
def consent_manage(request, slug):
    """The facilitator's page: the consent text (a new version asks everybody again)
    and every member's answer, with answers given on paper recorded here."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    unit = access.unit
    current = current_consent_text(unit)
    initial = {}
    if current is not None:
        initial = {"text_nl": current.text_nl, "text_en": current.text_en}
    else:
        initial = {"text_nl": DEFAULT_TEXT_NL, "text_en": DEFAULT_TEXT_EN}
    form = ConsentTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = services.consent_text_publish(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("Version %(version)d of the consent text is published; every member is asked.")
                % {"version": text.version},
            )
            return redirect("units:consent_manage", slug=slug)
    rows = [
        (
            status,
            PaperConsentForm(
                auto_id=f"id_%s_{status.membership.pk}",
                action=reverse("units:consent_paper", args=[slug, status.membership.pk]),
            ),
        )
        for status in consent_statuses(unit)
    ]
    # Every member's answer is on the page: one entry each (one INSERT).
    access.log(
        AccessAction.VIEWED,
        DataKind.CONSENT,
        [
            Accessed(
                person_id=status.membership.user_id,
                object_id=status.record.pk if status.record else None,
            )
            for status, _form in rows
        ],
    )
    return render(
        request,
        "units/consent_manage.html",
        {"access": access, "unit": unit, "current": current, "form": form, "rows": rows},
    )


@login_required
@require_POST
def consent_paper(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    membership = get_object_or_404(
        Membership.objects.current().select_related("user"), unit=access.unit, pk=pk
    )
    form = PaperConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the answers in the list."))
        return redirect("units:consent_manage", slug=slug)
    try:
        record = services.consent_record(
            membership=membership,
            decision=form.cleaned_data["decision"],
            method=ConsentRecord.Method.PAPER,
            by=request.user,
            consent_text=current_consent_text(access.unit),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        access.log(
            AccessAction.CREATED,
            DataKind.CONSENT,
            [Accessed(person_id=membership.user_id, object_id=record.pk)],
        )
        messages.success(
            request,
            _("The answer of %(name)s on paper has been recorded.")
            % {"name": membership.user.get_full_name()},
        )
    return redirect("units:consent_manage", slug=slug)
