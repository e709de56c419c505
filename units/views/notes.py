"""The facilitator's own log: private notes on the unit and its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..access import Perm, get_unit_access
from ..forms import FacilitatorNoteForm, form_errors_from
from ..models import FacilitatorNote, Role

NOTES_PER_PAGE = 25


def _facilitator_access(user, slug):
    # The unit's facilitators only: not its other members, not administrators.
    access = get_unit_access(user, slug, Perm.VIEW)
    if access.role != Role.FACILITATOR:
        raise PermissionDenied
    return access


@login_required
def facilitator_notes(request, slug):
    access = _facilitator_access(request.user, slug)
    unit = access.unit
    form = FacilitatorNoteForm(
        request.POST or None, unit=unit, initial={"member": request.GET.get("member", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.facilitator_note_create(
                unit=unit,
                author=request.user,
                text=form.cleaned_data["text"],
                member=form.cleaned_data["member"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Note added."))
            return redirect(reverse("units:facilitator_notes", kwargs={"slug": unit.slug}))
    notes = (
        FacilitatorNote.objects.filter(unit=unit)
        .select_related("author", "member")
        .order_by("-created_at", "-pk")
    )
    member = request.GET.get("member", "")
    member = int(member) if member.isdigit() else None
    if member:
        notes = notes.filter(member_id=member)
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "units/facilitator_notes.html",
        {
            "unit": unit,
            "access": access,
            "form": form,
            "page": page,
            "member": member,
            "query": f"member={member}&" if member else "",
        },
    )
