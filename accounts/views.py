from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from bpu.downloads import private_download

from .erasure import erasure_request_create
from .forms import LoginForm, ProfileForm
from .models import ErasureRequest
from .personal_data import personal_data_zip
from .profile import profile_sections
from .services import user_set_language, user_update_profile


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
