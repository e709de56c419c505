"""Helpers shared by the phases views."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def _url(name, unit, **kwargs):
    return reverse(f"phases:{name}", kwargs={"slug": unit.slug, **kwargs})


def _form_page(request, access, form, *, title, back_url, submit=None, multipart=False):
    return render(
        request,
        "phases/form.html",
        {
            "unit": access.unit,
            "access": access,
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit": submit or _("Save"),
            "multipart": multipart,
        },
    )
