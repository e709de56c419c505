import time
from binascii import unhexlify

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP

from .models import User
from .second_factor import device_matching, wait_seconds


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in")))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class SecondFactorForm(forms.Form):
    """The code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Continue")))

    def clean_code(self):
        wait = wait_seconds(self.user, self.cleaned_data["code"])
        if wait:
            raise forms.ValidationError(
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second and try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                    wait,
                )
                % {"seconds": wait}
            )
        self.device = device_matching(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                _(
                    "This code is not right. Type the code your app shows now (it changes "
                    "every 30 seconds), or one of your recovery codes."
                )
            )
        return self.cleaned_data["code"]


class TotpAddForm(forms.Form):
    """Adds an authenticator app: the secret travels signed in the form, nothing is stored
    until the first code proves that the app has it."""

    SALT = "accounts.totp_add"
    MAX_AGE = 30 * 60

    name = forms.CharField(
        label=_("Name of this app"),
        max_length=64,
        initial=_("Authenticator app"),
        help_text=_("So that you can tell your apps apart, for example “Phone”."),
    )
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    secret = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.key = None
        self.last_t = None
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add this app")))

    @classmethod
    def sign(cls, *, user, key: str) -> str:
        return signing.dumps({"user": user.pk, "key": key}, salt=cls.SALT)

    def clean_secret(self):
        try:
            data = signing.loads(self.cleaned_data["secret"], salt=self.SALT, max_age=self.MAX_AGE)
        except signing.BadSignature:
            data = None
        if not data or data.get("user") != self.user.pk:
            raise forms.ValidationError(
                _("This page was open too long. Scan the new code below and try again.")
            )
        self.key = data["key"]
        return self.cleaned_data["secret"]

    def clean(self):
        cleaned = super().clean()
        code = "".join((cleaned.get("code") or "").split())
        if self.key and "code" not in self.errors:
            totp = TOTP(unhexlify(self.key.encode()))
            totp.time = time.time()
            if not code.isdigit() or not totp.verify(int(code), tolerance=1):
                self.add_error(
                    "code",
                    _(
                        "This code is not right. Check that the app shows the code for BPU and "
                        "type the 6 digits it shows now."
                    ),
                )
            else:
                self.last_t = totp.t()
        return cleaned
