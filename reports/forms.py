"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import UNIT_KINDS, Kind, ReportNarrative


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, programme: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [Kind.COMPARISON] if programme else list(UNIT_KINDS)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


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
