"""Helpers shared by the phases views."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def _url(name, unit, **kwargs):
    return reverse(f"phases:{name}", kwargs={"slug": unit.slug, **kwargs})


def _apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form (on the field it names, if it has one)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
