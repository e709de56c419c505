from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data/", views.my_data, name="my_data"),
    path("profile/erasure/", views.erasure_request, name="erasure_request"),
    path("language/", views.switch_language, name="switch_language"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns += [
    path("sso/login/", views.oidc_login, name="oidc_login"),
    path("sso/callback/", views.oidc_callback, name="oidc_callback"),
    path("sso/awaiting-approval/", views.awaiting_approval, name="awaiting_approval"),
    path("login/second-factor/", views.second_factor, name="second_factor"),
    path("profile/security/", views.security, name="security"),
    path("profile/security/app/", views.totp_add, name="totp_add"),
    path("profile/security/app/<int:pk>/remove/", views.totp_remove, name="totp_remove"),
    path("profile/security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "login/second-factor/passkey-options/",
        views.passkey_login_options,
        name="passkey_login_options",
    ),
    path("profile/security/passkey/", views.passkey_add_view, name="passkey_add"),
    path(
        "profile/security/passkey/options/",
        views.passkey_add_options,
        name="passkey_add_options",
    ),
    path(
        "profile/security/passkey/<int:pk>/remove/",
        views.passkey_remove_view,
        name="passkey_remove",
    ),
]
