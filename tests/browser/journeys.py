"""Helpers shared by the journeys: words in the journey's language, dates."""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext


def words(language: str):
    """``t("Create unit")`` -> the words a person sees in ``language``."""

    def t(message: str) -> str:
        with translation.override(language):
            translated = gettext(message)
            if translated == message and message[:1].isupper():
                # Form labels from model fields: "planned start" shown as "Planned start".
                translated = capfirst(gettext(message[:1].lower() + message[1:]))
            return translated

    return t


def day(offset_days: int) -> str:
    return (timezone.localdate() + timedelta(days=offset_days)).isoformat()


def field(scope, label: str):
    """The form field labelled exactly ``label`` (crispy-forms adds '*' to required ones)."""
    import re

    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
