from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .erasure import user_erase
from .models import ErasureRequest, User, WebAuthnCredential
from .services import users_approve


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    actions = ["approve"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]

    @admin.action(description=_("Approve: let the selected people log in"))
    def approve(self, request, queryset):
        """People who signed in through single sign-on and wait (OIDC_ACTIVE_DOMAINS)."""
        count = users_approve(users=queryset)
        self.message_user(
            request,
            ngettext("%(count)d person can now log in.", "%(count)d people can now log in.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Requests are carried out here (or with ``manage.py erase_person``)."""

    list_display = ["user", "requested_at", "status", "handled_at", "handled_by"]
    list_filter = ["status"]
    readonly_fields = ["user", "requested_at", "reason", "status", "handled_at", "handled_by"]
    actions = ["carry_out"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Carry out: erase the personal data of these people"))
    def carry_out(self, request, queryset):
        done = 0
        for erasure in queryset.filter(status=ErasureRequest.Status.OPEN).select_related("user"):
            user_erase(user=erasure.user, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d person has been erased.",
                "The personal data of %(count)d people has been erased.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(WebAuthnCredential)
class WebAuthnCredentialAdmin(admin.ModelAdmin):
    """A person who lost their passkey and their recovery codes: an administrator removes
    it here, and they log in with their password and add a new one."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    search_fields = ["user__email", "user__full_name", "name"]
    readonly_fields = ["user", "credential_id", "public_key", "sign_count", "transports"]
    fields = ["user", "name", "credential_id", "public_key", "sign_count", "transports"]

    def has_add_permission(self, request):
        return False
