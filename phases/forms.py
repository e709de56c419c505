"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from bpu.plain_widgets import PlainWidgetRenderer
from units.models import Membership

from .choices import KnowledgeSource
from .files import allowed_extensions_text
from .models import (
    ActionStep,
    BaselineItem,
    Dissemination,
    Experiment,
    Goal,
    PlanVersion,
    Product,
    ProjectDesign,
)
from .services import EXPERIMENT_FIELDS

_TEXTAREA = {"rows": 3}


def knowledge_sources_field(label=None, help_text=None):
    return forms.MultipleChoiceField(
        label=label or _("Knowledge sources"),
        help_text=help_text
        or _("Which kinds of knowledge does this draw on? Tick all that apply."),
        choices=KnowledgeSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ProjectDesignForm(forms.ModelForm):
    class Meta:
        model = ProjectDesign
        fields = [
            "ambition",
            "urgency",
            "duration_months",
            "cadence_weeks",
            "research_design",
            "management_support",
            "mandate_hours_per_month",
            "permission_to_experiment",
        ]
        widgets = {
            name: forms.Textarea(attrs=_TEXTAREA)
            for name in ("ambition", "urgency", "research_design", "management_support")
        }


class GroupSizeReasonForm(forms.ModelForm):
    class Meta:
        model = ProjectDesign
        fields = ["group_size_reason"]
        widgets = {"group_size_reason": forms.Textarea(attrs=_TEXTAREA)}


class AdvanceForm(forms.Form):
    expected_phase = forms.IntegerField(widget=forms.HiddenInput)
    justification = forms.CharField(
        label=_("Justification for the criteria that are not met"),
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("Only needed when a criterion is not met. It is kept in the phase history."),
    )


class MoveBackForm(forms.Form):
    expected_phase = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why does the unit go back a phase?"), widget=forms.Textarea(attrs=_TEXTAREA)
    )


class BaselineItemForm(forms.ModelForm):
    class Meta:
        model = BaselineItem
        fields = ["kind", "text", "knowledge_source", "knowledge_reference"]
        widgets = {"text": forms.Textarea(attrs=_TEXTAREA)}


class GoalForm(forms.ModelForm):
    knowledge_sources = knowledge_sources_field()

    class Meta:
        model = Goal
        fields = ["text", "target", "knowledge_sources", "knowledge_reference", "order"]
        widgets = {"text": forms.Textarea(attrs=_TEXTAREA)}


class ActionStepForm(forms.ModelForm):
    knowledge_sources = knowledge_sources_field()

    class Meta:
        model = ActionStep
        fields = [
            "what",
            "owner",
            "due_date",
            "status",
            "knowledge_sources",
            "knowledge_reference",
        ]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        member_ids = Membership.objects.current().filter(unit=unit).values("user_id")
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(pk__in=member_ids)


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=ActionStep.Status.choices)


class PlanApproveForm(forms.Form):
    reason = forms.CharField(
        label=PlanVersion._meta.get_field("reason").verbose_name,
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_(
            "Required from version 2 on: what made the plan change, for example the "
            "findings of the intermediary report."
        ),
    )


class ExperimentForm(forms.ModelForm):
    knowledge_sources = knowledge_sources_field(
        _("Knowledge sources I drew on"), _("Where did the idea come from? Tick all that apply.")
    )

    class Meta:
        model = Experiment
        fields = list(EXPERIMENT_FIELDS)
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs=_TEXTAREA)
                for name in ("situation", "tried", "happened", "learned", "next_steps")
            },
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "situation": _("Where were you, who was there, what was going on?"),
            "tried": _("What did you do differently from usual?"),
            "happened": _("How did the other person react? What did you notice?"),
            "learned": _("What do you take from this for your work?"),
            "next_steps": _("What will you try next time?"),
            "visibility": _("A private draft is visible to you alone."),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(unit=unit)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your response"), widget=forms.Textarea(attrs=_TEXTAREA))


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs=_TEXTAREA)}


class ProductFileForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(max)s. Allowed: %(allowed)s.") % {
            "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            "allowed": allowed_extensions_text(),
        }


class DisseminationForm(forms.ModelForm):
    class Meta:
        model = Dissemination
        fields = ["what", "date", "audience", "reach", "product"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(unit=unit)


_SMALL_SELECT = {"class": "form-select form-select-sm"}
_SMALL_DATE = {"type": "date", "class": "form-control form-control-sm"}


def _id_choice(label):
    """A choice among ids (members, goals): the choices are read as plain values, not
    as model instances, on every request of the experiments list."""
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=_SMALL_SELECT),
        # What a ModelChoiceField says.
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )


class ExperimentFilterForm(forms.Form):
    """The experiments list's search: by member, by goal and by period (all optional)."""

    default_renderer = PlainWidgetRenderer  # on every request of the list

    author = _id_choice(_("Member"))
    goal = _id_choice(_("Goal"))
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs=_SMALL_DATE)
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs=_SMALL_DATE)
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever was ever a member may have written one (people who left included).
        members = (
            get_user_model()
            .objects.filter(memberships__unit=unit)
            .distinct()
            .values_list("pk", "full_name", "email")
        )
        self.fields["author"].choices = [
            ("", _("Everyone")),
            *((pk, full_name or email) for pk, full_name, email in members),  # User.__str__
        ]
        goals = Goal.objects.filter(unit=unit).values_list("pk", "text")
        self.fields["goal"].choices = [
            ("", _("Any goal")),
            *((pk, Truncator(text).words(10)) for pk, text in goals),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filter(self, experiments):
        """The experiments that match; none while the search is wrong (its errors say why)."""
        if not self.is_valid():
            return experiments.none()
        data = self.cleaned_data
        if data["author"]:
            experiments = experiments.filter(author=data["author"])
        if data["goal"]:
            experiments = experiments.filter(goal=data["goal"])
        if data["date_from"]:
            experiments = experiments.filter(date__gte=data["date_from"])
        if data["date_to"]:
            experiments = experiments.filter(date__lte=data["date_to"])
        return experiments
