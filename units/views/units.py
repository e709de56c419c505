"""Dashboard, units and programmes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import registry, selectors, services
from ..access import (
    Perm,
    can_create_units,
    get_programme_for_user,
    get_unit_access,
    programmes_choosable,
)
from ..forms import ProgrammeForm, UnitForm, form_errors_from
from ..models import Unit


@login_required
def dashboard(request):
    rows = selectors.dashboard(request.user)
    # Administrators see every unit; their work is in those they are a member of.
    my_units = [row.unit for row in rows if row.unit.my_role]
    return render(
        request,
        "units/dashboard.html",
        {
            "rows": rows,
            "can_create": can_create_units(
                request.user, current_roles={unit.my_role for unit in my_units}
            ),
            # phases and notifications add to it
            "my_work": registry.my_work(request.user, my_units),
        },
    )


@login_required
def unit_detail(request, slug):
    access = get_unit_access(request.user, slug)
    unit = access.unit
    context = {
        "access": access,
        "unit": unit,
        "organisations": list(unit.organisations.all()),
        "next_session": selectors.next_session(unit),
        "composition": selectors.unit_composition(unit),
        "overview_panels": registry.overview_panels(),  # the phase timeline, from phases
        "plan_warnings": services.unit_warnings(
            planned_start=unit.planned_start,
            planned_end=unit.planned_end,
            cadence_weeks=unit.cadence_weeks,
        ),
    }
    return render(request, "units/unit_detail.html", context)


def _save_unit_form(request, form, unit=None):
    """Create or update from a valid form; returns the unit, or None with errors on the form."""
    try:
        with transaction.atomic():
            organisations = list(form.cleaned_data["organisations"])
            organisations += services.organisations_from_names(form.new_organisation_names())
            if unit is None:
                unit = services.unit_create(
                    creator=request.user, organisations=organisations, **form.unit_fields()
                )
            else:
                unit = services.unit_update(
                    unit=unit, organisations=organisations, **form.unit_fields()
                )
    except ValidationError as error:
        form_errors_from(form, error)
        return None
    for warning in services.unit_warnings(
        planned_start=unit.planned_start,
        planned_end=unit.planned_end,
        cadence_weeks=unit.cadence_weeks,
    ):
        messages.warning(request, warning)
    return unit


@login_required
def unit_create(request):
    if not can_create_units(request.user):
        raise PermissionDenied
    programme = (
        programmes_choosable(request.user).filter(slug=request.GET.get("programme", "")).first()
    )
    form = UnitForm(
        request.POST or None,
        user=request.user,
        initial={"programme": programme, "cadence_weeks": 6, "reminder_days_before": 2},
        submit_label=_("Create unit"),
    )
    if request.method == "POST" and form.is_valid():
        unit = _save_unit_form(request, form)
        if unit is not None:
            messages.success(request, _("The unit has been created. You are its facilitator."))
            return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request, slug):
    access = get_unit_access(request.user, slug, Perm.MANAGE_UNIT)
    unit = access.unit
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form must not save the instance itself: the service does.
        unit = Unit.objects.get(pk=unit.pk)
        if _save_unit_form(request, form, unit) is not None:
            messages.success(request, _("The unit has been saved."))
            return redirect(unit)
    return render(
        request, "units/unit_form.html", {"form": form, "unit": access.unit, "access": access}
    )


@login_required
def programme_create(request):
    if not can_create_units(request.user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(creator=request.user, **form.cleaned_data)
        messages.success(request, _("The programme has been created. Now create its first unit."))
        return redirect(f"{reverse('units:create')}?programme={programme.slug}")
    return render(request, "units/programme_form.html", {"form": form})


@login_required
def programme_detail(request, slug):
    programme = get_programme_for_user(request.user, slug)
    units = (
        Unit.objects.visible_to(request.user)
        .filter(programme=programme)
        .prefetch_related("organisations")
        .order_by("name")
    )
    return render(request, "units/programme_detail.html", {"programme": programme, "units": units})
