"""Forms for qualitative material and coding. They check the shape of the input;
the rules (is the passage in the text, which themes may be used) live in
``research.services.coding``."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from phases.choices import KnowledgeSource

from .models import Material, Theme


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["kind", "title", "date", "text"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 16}),
        }
        help_texts = {
            "text": _("Pseudonymised notes or transcript: no names of clients or family carers."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class CodingForm(forms.Form):
    """Tag a passage with themes. ``start``/``end`` are filled by static/js/coding.js
    from the reader's selection; without JavaScript the passage is pasted and looked up."""

    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    passage = forms.CharField(
        label=_("Passage"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Select the passage in the text above, or paste it here."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_themes = forms.CharField(
        label=_("New themes"),
        required=False,
        max_length=500,
        help_text=_("Separate several with commas."),
    )
    knowledge_sources = forms.MultipleChoiceField(
        label=_("Knowledge sources"),
        help_text=_("Which kinds of knowledge does the passage voice? Tick all that apply."),
        choices=KnowledgeSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    knowledge_reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=300,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )

    def __init__(self, *args, themes_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes_queryset
        self.helper = FormHelper()
        self.helper.form_id = "coding-form"
        self.helper.add_input(Submit("code", _("Code this passage")))

    def clean(self):
        data = super().clean()
        if not data.get("themes") and not (data.get("new_themes") or "").strip():
            raise forms.ValidationError(_("Choose at least one theme, or type a new one."))
        return data


class ThemeForm(forms.ModelForm):
    for_programme = forms.BooleanField(
        label=_("For the whole programme"),
        required=False,
        help_text=_("Share this theme with the other units of the programme."),
    )

    class Meta:
        model = Theme
        fields = ["name", "description", "factor"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, has_programme=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_programme or self.instance.pk:
            del self.fields["for_programme"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))

    def validate_unique(self):
        # Uniqueness per unit or programme is checked by research.services.coding.
        pass
