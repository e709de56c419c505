"""Forms check the shape of input; the rules live in units.services."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .access import organisations_choosable, programmes_choosable
from .files import allowed_extensions_text
from .models import AgendaItem, Attendance, ConsentRecord, Programme, Role, Session, Unit


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, if the
    form has that field, otherwise on the form as a whole."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _helper(submit_label, *, form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class UnitForm(forms.ModelForm):
    new_organisations = forms.CharField(
        label=_("New organisations"),
        required=False,
        max_length=1000,
        help_text=_("Organisations not in the list above, separated by commas."),
    )

    class Meta:
        model = Unit
        fields = [
            "name",
            "theme",
            "target_group",
            "organisations",
            "programme",
            "planned_start",
            "planned_end",
            "cadence_weeks",
            "reminder_days_before",
            "researchers_attend",
            "names_in_reports",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "organisations": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, user, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance if self.instance.pk else None
        # Only what this person may choose is offered, and only that is accepted.
        self.fields["organisations"].queryset = organisations_choosable(user, unit).order_by("name")
        self.fields["programme"].queryset = programmes_choosable(user, unit).order_by("name")
        self.helper = _helper(submit_label or _("Save"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", _("The planned end must be after the planned start."))
        return cleaned

    def new_organisation_names(self):
        raw = self.cleaned_data.get("new_organisations") or ""
        return [name for name in (n.strip() for n in raw.split(",")) if name]

    def unit_fields(self):
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "organisations" and name in self.cleaned_data
        }


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "field", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create programme"))


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Shown on the members page and filled in when they sign up."),
    )
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PROFESSIONAL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send invitation"))


class InvitationListForm(forms.Form):
    """A list of people to invite: pasted, or a CSV file. Read by units.invitation_lists."""

    text = forms.CharField(
        label=_("Paste a list"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "One person a row: name, e-mail address, role; separated by ; or , (or pasted "
            "from a spreadsheet). A first row with column headers (naam, e-mailadres, rol "
            "or name, e-mail, role) may say which column is which."
        ),
    )
    file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("Saved as CSV, UTF-8. It is read in place of the pasted list."),
    )
    default_role = forms.ChoiceField(
        label=_("Role for rows without one"), choices=Role.choices, initial=Role.PROFESSIONAL
    )

    def clean(self):
        from .invitation_lists import decode_upload

        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["text"] = decode_upload(upload)
            except ValidationError as error:
                self.add_error("file", error)
        elif not (cleaned.get("text") or "").strip() and "text" not in self.errors:
            self.add_error("text", _("Paste a list or choose a file."))
        return cleaned


def _compact_helper(action: str, submit_label, submit_class: str, **attrs) -> FormHelper:
    """A one-line form inside a list: the label is read by screen readers only."""
    helper = FormHelper()
    helper.form_action = action
    helper.form_class = "d-flex gap-1 align-items-start compact-form"
    helper.label_class = "visually-hidden"
    submit = Submit("submit", submit_label, css_id="submit" + slugify(action), **attrs)
    submit.field_classes = f"btn btn-sm {submit_class}"
    helper.add_input(submit)
    return helper


class AttachmentForm(forms.Form):
    """One file to attach (to a session's notes or an experiment); checked by the service."""

    file = forms.FileField(label=_("Add a file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A photo of a flip-over, a handout. At most %(max)s. Allowed: %(allowed)s."
        ) % {
            "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            "allowed": allowed_extensions_text(),
        }


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.attrs["class"] = "form-select-sm"
        self.helper = _compact_helper(action, _("Change role"), "btn-outline-secondary")


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, action: str = "", confirm: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].widget.attrs["class"] = "form-control-sm"
        self.helper = _compact_helper(
            action, _("End"), "btn-outline-danger", **{"data-confirm": confirm}
        )


class OwnMembershipForm(forms.Form):
    motivation = forms.CharField(
        label=_("My motivation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why do you take part in this unit?"),
    )
    expectations = forms.CharField(
        label=_("My expectations"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What do you hope to learn or achieve together?"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class AcceptInvitationForm(forms.Form):
    """A new account from an invitation: a name and a password."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = _helper(_("Create account and join"))

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            from accounts.models import User

            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SessionSeriesForm(forms.Form):
    first = forms.DateField(label=_("First session"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=TimeInput(), initial="14:00")
    every_weeks = forms.IntegerField(label=_("Every ... weeks"), min_value=1, max_value=52)
    until = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty to plan until the unit's planned end."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=600, initial=120
    )
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Plan the series"))

    def clean(self):
        cleaned = super().clean()
        first, until = cleaned.get("first"), cleaned.get("until")
        if first and until and until < first:
            self.add_error("until", _("The last date must be on or after the first date."))
        return cleaned


class SessionForm(forms.Form):
    """One session: add, move or change where it is."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=600, initial=120
    )
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Save"))

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        start = timezone.localtime(session.starts_at)
        return {
            "day": start.date(),
            "at": start.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "location": session.location,
            "online_url": session.online_url,
        }


class NotesForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["notes", "decisions"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save notes"))


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "duration_minutes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs["min"] = 1
        self.helper = _helper(submit_label or _("Add to agenda"))


class AttendanceForm(forms.Form):
    """One choice per member: present, excused, absent (or not recorded)."""

    def __init__(self, *args, memberships, existing: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not recorded")), *Attendance.Status.choices]
        self.memberships = memberships
        for membership in memberships:
            self.fields[f"user_{membership.user_id}"] = forms.ChoiceField(
                label=membership.user.get_full_name(),
                choices=choices,
                required=False,
                initial=existing.get(membership.user_id, ""),
                widget=forms.RadioSelect,
            )
        self.helper = _helper(_("Save attendance"))
        self.helper.layout = Layout(*(InlineRadios(name) for name in self.fields))

    def statuses(self) -> dict[int, str]:
        return {int(name.removeprefix("user_")): value for name, value in self.cleaned_data.items()}


class ConsentTextForm(forms.Form):
    text_nl = forms.CharField(label=_("Text in Dutch"), widget=forms.Textarea(attrs={"rows": 8}))
    text_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Publish this version and ask everybody"))


class PaperConsentForm(forms.Form):
    """A facilitator records an answer a member gave on paper."""

    decision = forms.ChoiceField(label=_("Answer on paper"), choices=[])

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Short labels: the list sits in a table cell, next to each member.
        self.fields["decision"].choices = [
            (ConsentRecord.Decision.GIVEN, _("Given")),
            (ConsentRecord.Decision.DECLINED, _("Declined")),
            (ConsentRecord.Decision.WITHDRAWN, _("Withdrawn")),
        ]
        self.fields["decision"].widget.attrs["class"] = "form-select-sm w-auto"
        self.helper = _compact_helper(action, _("Record"), "btn-outline-secondary")


User = get_user_model()


class FacilitatorNoteForm(forms.Form):
    """A note in the facilitator's own log: on the unit, or on one current member."""

    member = forms.ModelChoiceField(
        label=_("About"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("The unit as a whole"),
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = User.objects.filter(
            memberships__unit=unit, memberships__left_on__isnull=True
        ).order_by("full_name")
        self.fields["member"].label_from_instance = lambda u: u.get_full_name()
        self.helper = _helper(_("Add note"))
