"""Forms check the shape of input; the services check the rules."""

import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bpu.plain_widgets import PlainWidgetRenderer

from .models import UNIT_KINDS, Kind, ReportNarrative

# The classes crispy-forms gives a select: the list page writes the unsent form itself.
_SELECT = {"class": "select form-select"}


class ReportRequestForm(forms.Form):
    default_renderer = PlainWidgetRenderer  # on every request of the reports list

    kind = forms.ChoiceField(label=_("Report"), widget=forms.Select(attrs=_SELECT))
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs=_SELECT),
    )
    # One token per rendered form: sending the same form again makes no second report.
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form was incomplete: send it again."),
            "invalid": _("This form was incomplete: send it again."),
        },
    )

    def __init__(self, *args, programme: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        kinds = [Kind.COMPARISON] if programme else list(UNIT_KINDS)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]

    def renew_token(self) -> None:
        """Shown again after a broken token: a new one, so that sending it again works."""
        self.data = self.data.copy()
        self.data["token"] = str(uuid.uuid4())


class NarrativeForm(forms.ModelForm):
    class Meta:
        model = ReportNarrative
        fields = list(ReportNarrative.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in ReportNarrative.SECTIONS}
        help_texts = {
            "introduction": _("Why this report, for whom, and what the reader will find in it."),
            "method": _("What was measured and how: respondents, instruments, moments, analysis."),
            "discussion": _("What the results mean, and what they do not show."),
            "recommendations": _("What the unit, its organisations or the funder should do next."),
        }
