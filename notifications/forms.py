from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency, Kind


class PreferencesForm(forms.Form):
    """One choice per kind: how the person wants its e-mail."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                initial=current[kind.value],
                widget=forms.RadioSelect,
            )


class LinkForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail about this"), choices=Frequency.choices, widget=forms.RadioSelect
    )
