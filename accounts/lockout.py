"""Hooks for django-axes, which locks out repeated failed logins."""

from django.conf import settings

from .models import email_normalise


def lockout_username(request, credentials) -> str:
    """The address that failed logins are counted for (AXES_USERNAME_CALLABLE).

    Normalised like stored addresses, so that ``Student@example.org`` is the same
    account as ``student@example.org`` and cannot buy more guesses.
    """
    source = credentials if credentials else getattr(request, "POST", {})
    return email_normalise(source.get(settings.AXES_USERNAME_FORM_FIELD) or "")
