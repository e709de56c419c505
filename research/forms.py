"""Forms of the data half of research: codebook, waves, uploads."""

from pathlib import Path

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Measure, Wave, WaveKind
from .services.codebook import MEASURE_FIELDS

DATA_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".ods")


def _helper(label, *, form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", label))
    return helper


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = list(MEASURE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save measure"))
        self.fields["min_value"].help_text = _("Required for numeric and likert measures.")
        self.fields["max_value"].help_text = _("Required for numeric and likert measures.")

    def validate_unique(self):
        """Uniqueness of the code in the unit is checked by the service."""


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma, semicolon or tab separated), Excel (.xlsx) or OpenDocument (.ods)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in DATA_EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a .csv, .xlsx or .ods file (this is “%(name)s”).") % {"name": upload.name}
            )
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": f"{limit / 1024 / 1024:.0f}",
                }
            )
        return upload


class CodebookUploadForm(UploadForm):
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_(
            "For a workbook with more than one sheet: the name of the sheet with the codebook "
            "(empty: the first sheet; in an export from here it is “codebook”)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Upload codebook"))
        self.fields["file"].label = _("Codebook file")
        self.fields["file"].help_text = _(
            "Columns: code, label, construct, type (numeric, likert, yesno, text), min, max, "
            "higher_is_better, respondent, missing. Measures with a code that exists are updated."
        )


class ImportForm(UploadForm):
    wave = forms.ModelChoiceField(
        label=_("Wave"),
        queryset=Wave.objects.none(),
        required=False,
        empty_label=_("From the file's “wave” column"),
        help_text=_("The wave of all values, unless the file has a “wave” column."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_(
            "For a workbook with more than one sheet: the name of the sheet with the data "
            "(empty: the first sheet)."
        ),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].queryset = Wave.objects.filter(unit=unit).in_time()
        self.fields["file"].label = _("Data file")
        self.fields["file"].help_text = _(
            "Wide: a “respondent” column, then one column per measure code. Long: the columns "
            "respondent, wave, measure, value. CSV, Excel (.xlsx) or OpenDocument (.ods)."
        )
        self.helper = _helper(_("Check the file"))


class _WaveKindMixin:
    """The kind may be left out (a form posted by a script): a new wave is then an
    intermediary one, an existing wave keeps its kind."""

    def _kind_optional(self):
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.instance.kind or WaveKind.INTERMEDIARY


class WaveForm(_WaveKindMixin, forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["code", "label", "kind", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kind_optional()
        self.helper = _helper(_("Add wave"))

    def validate_unique(self):
        """Checked by the service (codes are unique per unit, case-insensitive)."""


class WaveEditForm(_WaveKindMixin, forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["label", "kind", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kind_optional()
        self.fields["kind"].help_text = ""  # said once, above the table
        self.helper = _helper(_("Save"))
        self.helper.form_class = "row g-2 align-items-end"
