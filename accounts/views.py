from base64 import b32encode
from textwrap import wrap
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from bpu.downloads import private_download

from . import passkeys
from . import second_factor as factors
from .erasure import erasure_request_create
from .forms import LoginForm, ProfileForm, SecondFactorForm, TotpAddForm
from .models import ErasureRequest, WebAuthnCredential
from .oidc import OIDCCallbackView, OIDCLoginView, oidc_enabled, provider_name
from .personal_data import personal_data_zip
from .profile import profile_sections
from .services import (
    passkey_add,
    passkey_record_use,
    passkey_remove,
    recovery_codes_regenerate,
    totp_device_add,
    totp_device_remove,
    user_set_language,
    user_update_profile,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc_enabled():
            context["sso_provider"] = provider_name()
        return context


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        translation.activate(request.user.language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        _remember_language(response, request.user.language)
        return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "sections": profile_sections(request.user),
            "erasure_request": ErasureRequest.objects.filter(user=request.user)
            .order_by("-requested_at")
            .first(),
        },
    )


@login_required
@require_POST
def erasure_request(request):
    """The person asks that their personal data be removed; an administrator does it."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you ask for this."))
        return redirect("accounts:profile")
    erasure_request_create(user=request.user, reason=request.POST.get("reason", "")[:2000])
    messages.success(
        request,
        _(
            "Your request has been sent to an administrator. You will hear from them; "
            "until then, everything stays as it is."
        ),
    )
    return redirect("accounts:profile")


def _remember_language(response, language: str) -> None:
    """The language cookie, with every attribute from settings (as Django's set_language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def switch_language(request):
    """Django's set_language, which also remembers the choice on the profile."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(translation.trans_real.get_languages()):
        user_set_language(user=request.user, language=language)
    return response


@login_required
@require_GET
@private_download
def my_data(request):
    """Everything the application holds about the person asking, as a ZIP."""
    response = HttpResponse(personal_data_zip(request.user), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-bpu-data-{stamp}.zip"'
    return response


# --- Single sign-on ---------------------------------------------------------------------

_oidc_login_view = OIDCLoginView.as_view()
_oidc_callback_view = OIDCCallbackView.as_view()


@require_GET
def oidc_login(request):
    """Off (no provider configured): back to the login page, which shows no button."""
    if not oidc_enabled():
        return redirect("accounts:login")
    return _oidc_login_view(request)


@require_GET
def oidc_callback(request):
    if not oidc_enabled():
        return redirect("accounts:login")
    return _oidc_callback_view(request)


@require_GET
def awaiting_approval(request):
    return render(request, "accounts/awaiting_approval.html", {"provider": provider_name()})


# --- Two factors ------------------------------------------------------------------------


def _next_url(request, default="units:dashboard"):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


@login_required
def second_factor(request):
    """The login's second step: a code from the app, or a recovery code."""
    if factors.owed(request) != factors.VERIFY:
        return redirect(_next_url(request))
    if request.method == "POST" and "passkey" in request.POST:
        return _second_factor_passkey(request)
    form = SecondFactorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        factors.settle(request)
        if form.device.persistent_id.startswith("otp_static"):
            messages.warning(
                request,
                _(
                    "You used a recovery code; it cannot be used again. Make new codes on "
                    "your security page when you have only a few left."
                ),
            )
        return redirect(_next_url(request))
    has_app = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    has_passkey = WebAuthnCredential.objects.filter(user=request.user).exists()
    if has_passkey:
        # The passkey button comes first; the code field waits below it.
        form.fields["code"].widget.attrs.pop("autofocus", None)
        if not has_app:
            form.fields["code"].help_text = _("One of your recovery codes.")
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_app": has_app,
            "has_passkey": has_passkey,
        },
    )


def _second_factor_passkey(request):
    """The second step with a passkey: the answer passkeys.js posted is checked."""
    try:
        with transaction.atomic():
            passkey, sign_count = passkeys.verified_authentication(
                request, request.user, request.POST["passkey"]
            )
            passkey_record_use(passkey=passkey, sign_count=sign_count)
    except passkeys.PasskeyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(f"{resolve_url('accounts:second_factor')}?{_next_query(request)}")
    factors.settle(request)
    return redirect(_next_url(request))


def _next_query(request) -> str:
    return urlencode({"next": _next_url(request)})


@login_required
@require_POST
def passkey_login_options(request):
    """What the browser needs to sign in with one of the person's passkeys (JSON)."""
    if factors.owed(request) != factors.VERIFY:
        return JsonResponse({"error": _("You have already given your second step.")}, status=409)
    return HttpResponse(
        passkeys.authentication_options(request, request.user), content_type="application/json"
    )


@login_required
@require_GET
def security(request):
    """The profile's security section: authenticator apps, passkeys and recovery codes."""
    return render(
        request,
        "accounts/security.html",
        {
            "apps": TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk"),
            "passkeys": WebAuthnCredential.objects.filter(user=request.user).order_by("pk"),
            "recovery_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "required": factors.second_factor_required(request.user),
            "setup_owed": factors.owed(request) == factors.SETUP,
        },
    )


@login_required
def totp_add(request):
    """Scan a QR code, type the first code: then the app is added."""
    form = TotpAddForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        first = not factors.has_authenticator(request.user)
        totp_device_add(
            user=request.user,
            key=form.key,
            name=form.cleaned_data["name"],
            last_t=form.last_t,
        )
        factors.settle(request)
        messages.success(request, _("Your authenticator app has been added."))
        if first:
            messages.info(
                request,
                _(
                    "These are your recovery codes. Keep them somewhere safe: each one lets "
                    "you in once if you lose your phone."
                ),
            )
            return redirect("accounts:recovery_codes")
        return redirect("accounts:security")
    # A new secret unless the person is retrying with the one they scanned.
    key = form.key or random_hex(20)
    signed = TotpAddForm.sign(user=request.user, key=key)
    if form.is_bound:
        form.data = form.data.copy()
        form.data["secret"] = signed
    else:
        form.initial["secret"] = signed
    device = TOTPDevice(user=request.user, key=key)
    return render(
        request,
        "accounts/totp_add.html",
        {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "secret_text": " ".join(wrap(b32encode(device.bin_key).decode(), 4)),
            "setup_owed": factors.owed(request) == factors.SETUP,
        },
    )


@login_required
@require_POST
def totp_remove(request, pk):
    device = get_object_or_404(TOTPDevice, pk=pk, user=request.user)
    removed = totp_device_remove(
        device=device, keep_one=factors.second_factor_required(request.user)
    )
    if removed:
        messages.success(request, _("The authenticator app has been removed."))
    else:
        messages.error(
            request,
            _(
                "This is your only authenticator app and your role requires one. Add another "
                "app first, then remove this one."
            ),
        )
    return redirect("accounts:security")


@login_required
@require_POST
def passkey_add_options(request):
    """What the browser needs to make a passkey for this person on this site (JSON)."""
    return HttpResponse(
        passkeys.registration_options(request, request.user), content_type="application/json"
    )


PASSKEY_NAME_MAX = WebAuthnCredential._meta.get_field("name").max_length


@login_required
@require_POST
def passkey_add_view(request):
    """Adds the passkey the browser just made (passkeys.js posts its answer here)."""
    name = " ".join(request.POST.get("name", "").split()) or _("Passkey")
    if len(name) > PASSKEY_NAME_MAX:
        # Checked before the ceremony's answer, so the challenge stays for a retry.
        messages.error(
            request,
            _("The name of a passkey can be %(max)d characters at most.")
            % {"max": PASSKEY_NAME_MAX},
        )
        return redirect("accounts:security")
    try:
        fields = passkeys.verified_registration(request, request.user, request.POST.get("passkey"))
    except passkeys.PasskeyRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:security")
    first = not factors.has_authenticator(request.user)
    passkey_add(user=request.user, name=name, **fields)
    factors.settle(request)
    messages.success(request, _("Your passkey “%(name)s” has been added.") % {"name": name})
    if first:
        messages.info(
            request,
            _(
                "These are your recovery codes. Keep them somewhere safe: each one lets you "
                "in once if you lose your passkey."
            ),
        )
        return redirect("accounts:recovery_codes")
    return redirect("accounts:security")


@login_required
@require_POST
def passkey_remove_view(request, pk):
    passkey = get_object_or_404(WebAuthnCredential, pk=pk, user=request.user)
    removed = passkey_remove(passkey=passkey, keep_one=factors.second_factor_required(request.user))
    if removed:
        messages.success(request, _("The passkey has been removed."))
    else:
        messages.error(
            request,
            _(
                "This is your only second step and your role requires one. Add another "
                "passkey or an authenticator app first, then remove this one."
            ),
        )
    return redirect("accounts:security")


@login_required
def recovery_codes(request):
    """The person's recovery codes; making new ones stops the old ones."""
    if not factors.has_authenticator(request.user):
        messages.info(
            request,
            _("Add an authenticator app or a passkey first; recovery codes come with it."),
        )
        return redirect("accounts:security")
    if request.method == "POST":
        recovery_codes_regenerate(user=request.user)
        messages.success(request, _("You have new recovery codes. The old ones no longer work."))
        return redirect("accounts:recovery_codes")
    codes = StaticToken.objects.filter(device__user=request.user).order_by("pk")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": [token.token for token in codes]},
    )
