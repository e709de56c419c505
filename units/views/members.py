"""Members, roles, invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import invitation_lists, selectors, services
from ..access import Accessed, Perm, get_unit_access
from ..consent import current_consent_text
from ..forms import (
    AcceptInvitationForm,
    EndMembershipForm,
    InvitationForm,
    InvitationListForm,
    OwnMembershipForm,
    RoleForm,
    form_errors_from,
)
from ..invitation_lists import plan_invitations, read_list
from ..models import AccessAction, DataKind, Invitation, Membership


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def members(request, slug):
    access = get_unit_access(request.user, slug)
    unit = access.unit
    current = selectors.current_memberships(unit)
    context = {
        "access": access,
        "unit": unit,
        "memberships": current,
        "composition": selectors.composition_of(current),
    }
    # The page shows each member's motivation and expectations, where they wrote any.
    access.log(
        AccessAction.VIEWED,
        DataKind.MOTIVATION,
        [
            Accessed(person_id=m.user_id, object_id=m.pk)
            for m in current
            if m.motivation or m.expectations
        ],
    )
    if access.can(Perm.MANAGE_UNIT):
        for m in current:
            name = m.user.get_full_name()
            m.role_form = RoleForm(
                initial={"role": m.role},
                auto_id=f"id_%s_{m.pk}",
                action=reverse("units:membership_role", args=[unit.slug, m.pk]),
            )
            m.end_form = EndMembershipForm(
                auto_id=f"id_%s_{m.pk}",
                action=reverse("units:membership_end", args=[unit.slug, m.pk]),
                confirm=_("End the membership of %(name)s?") % {"name": name},
            )
        context["ended"] = selectors.ended_memberships(unit)
        context["invitations"] = selectors.invitations_recent(unit)
        context["invitation_form"] = InvitationForm()
        context["email_max_attempts"] = services.INVITATION_EMAIL_MAX_ATTEMPTS
    return render(request, "units/members.html", context)


def _membership(access, pk):
    return get_object_or_404(Membership.objects.select_related("user"), unit=access.unit, pk=pk)


@login_required
@require_POST
def membership_role(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    membership = _membership(access, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles in the list."))
    else:
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": membership.user.get_full_name(), "role": membership.get_role_display()},
            )
    return redirect("units:members", slug=slug)


@login_required
@require_POST
def membership_end(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    membership = _membership(access, pk)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the membership ends."))
    else:
        try:
            services.membership_end(membership=membership, left_on=form.cleaned_data["left_on"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("The membership of %(name)s has ended. It stays in the unit's history.")
                % {"name": membership.user.get_full_name()},
            )
    return redirect("units:members", slug=slug)


@login_required
def membership_own(request, slug):
    access = get_unit_access(request.user, slug, Perm.CONTRIBUTE)
    membership = access.membership
    if membership is None:  # an administrator who is not a member has nothing to write
        messages.info(request, _("You are not a member of this unit."))
        return redirect("units:members", slug=slug)
    form = OwnMembershipForm(
        request.POST or None,
        initial={"motivation": membership.motivation, "expectations": membership.expectations},
    )
    if request.method == "POST" and form.is_valid():
        services.membership_update_own(membership=membership, **form.cleaned_data)
        messages.success(request, _("Your motivation and expectations have been saved."))
        return redirect("units:members", slug=slug)
    return render(
        request,
        "units/membership_own.html",
        {"access": access, "unit": access.unit, "form": form},
    )


@login_required
def invitation_create(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                unit=access.unit, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s has been made; its e-mail is on its way.")
                % {"email": invitation.email},
            )
            return redirect("units:members", slug=slug)
    return render(
        request,
        "units/invitation_form.html",
        {"access": access, "unit": access.unit, "form": form},
    )


@login_required
def invitation_bulk(request, slug):
    """Invite several people from a list: a preview first (nothing written), then all at once."""
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    form = InvitationListForm(request.POST or None, request.FILES or None)
    context = {"access": access, "unit": access.unit, "form": form}
    if request.method == "POST" and form.is_valid():
        text, default_role = form.cleaned_data["text"], form.cleaned_data["default_role"]
        checked = plan_invitations(access.unit, read_list(text, default_role=default_role))
        if "confirm" in request.POST and checked.can_send:
            try:
                invitations, checked = services.invitations_create_bulk(
                    unit=access.unit, text=text, default_role=default_role, invited_by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _bulk_done_message(invitations, checked))
                return redirect("units:members", slug=slug)
        # The list as read goes back into the box (a file's too), to correct and check again.
        form = InvitationListForm(initial={"text": text, "default_role": default_role})
        context.update(
            form=form,
            checked=checked,
            summary=invitation_lists.summary(checked),
            confirm={"text": text, "default_role": default_role},
        )
    return render(request, "units/invitation_bulk.html", context)


def _bulk_done_message(invitations, checked) -> str:
    done = ngettext(
        "%(count)d invitation has been made; the e-mail is on its way.",
        "%(count)d invitations have been made; the e-mails are on their way.",
        len(invitations),
    ) % {"count": len(invitations)}
    if checked.skipped:
        done += " " + ngettext(
            "%(count)d person on the list was already a member or invited, and was skipped.",
            "%(count)d people on the list were already members or invited, and were skipped.",
            len(checked.skipped),
        ) % {"count": len(checked.skipped)}
    return done


@login_required
@require_POST
def invitation_resend(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    invitation = get_object_or_404(Invitation, unit=access.unit, pk=pk)
    try:
        services.invitation_resend(invitation=invitation)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is sent again; it is valid for two weeks.")
            % {"email": invitation.email},
        )
    return redirect(reverse("units:members", args=[slug]) + "#invitations")


@login_required
@require_POST
def invitation_withdraw(request, slug, pk):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    invitation = get_object_or_404(Invitation, unit=access.unit, pk=pk)
    services.invitation_withdraw(invitation=invitation)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("units:members", slug=slug)


def invitation_accept(request, token):
    """The link in the invitation e-mail. Works once, until it expires."""
    invitation = get_object_or_404(Invitation.objects.select_related("unit"), token=token)
    context = {"invitation": invitation, "unit": invitation.unit}
    if invitation.accepted_at is not None:
        return render(request, "units/invitation_unusable.html", {**context, "reason": "used"})
    if invitation.expires_at <= timezone.now():
        return render(request, "units/invitation_unusable.html", {**context, "reason": "expired"})

    from accounts.models import User

    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            return render(request, "units/invitation_wrong_account.html", context)
        if request.method == "POST":
            return _accepted(
                request, lambda: services.invitation_accept(invitation=invitation, user=user)
            )
        return render(request, "units/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "units/invitation_login.html", context)

    form = AcceptInvitationForm(
        request.POST or None,
        email=invitation.email,
        initial={"language": request.LANGUAGE_CODE, "full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        return _accepted(
            request,
            lambda: services.invitation_accept_new_account(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["language"],
            ),
            log_in=True,
        )
    return render(request, "units/invitation_signup.html", {**context, "form": form})


def _accepted(request, accept, *, log_in=False):
    try:
        membership = accept()
    except services.InvitationUnusable as unusable:
        invitation = get_object_or_404(Invitation, token=request.resolver_match.kwargs["token"])
        return render(
            request,
            "units/invitation_unusable.html",
            {"invitation": invitation, "unit": invitation.unit, "reason": unusable.reason},
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("accounts:login")
    if log_in:
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome to %(unit)s. You have joined as %(role)s.")
        % {"unit": membership.unit.name, "role": membership.get_role_display()},
    )
    if current_consent_text(membership.unit) is not None:
        # Joining asks for consent first (it can be given, declined, or withdrawn later).
        return redirect("units:consent", slug=membership.unit.slug)
    return redirect(membership.unit)
