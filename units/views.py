from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import get_unit_access
from .models import Unit


@login_required
def dashboard(request):
    units = Unit.objects.visible_to(request.user).select_related("programme")
    return render(request, "units/dashboard.html", {"units": units})


@login_required
def unit_detail(request, slug):
    access = get_unit_access(request.user, slug)
    return render(request, "units/unit_detail.html", {"access": access, "unit": access.unit})
