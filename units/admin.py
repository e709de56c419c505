import csv

from django.contrib import admin
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import Accessed, log_access
from .admin_access_log import AccessLoggedAdmin, AccessLoggedInline, AccessLoggedInlines
from .models import (
    ADMINISTRATOR,
    AccessAction,
    AccessLog,
    AgendaItem,
    Attendance,
    CalendarFeed,
    ConsentRecord,
    ConsentText,
    DataKind,
    Invitation,
    Membership,
    Organisation,
    Programme,
    Rsvp,
    Session,
    SessionAttachment,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "slug", "phase", "planned_start", "planned_end"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "field", "created_at"]
    search_fields = ["name", "field", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [UnitInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "joined_on", "left_on"]
    autocomplete_fields = ["user"]
    extra = 0


class InvitationInline(admin.TabularInline):
    model = Invitation
    fields = ["full_name", "email", "role", "invited_by", "expires_at", "accepted_at"]
    readonly_fields = ["invited_by", "accepted_at"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "programme",
        "phase",
        "planned_start",
        "planned_end",
        "cadence_weeks",
    ]
    list_filter = ["phase", "programme", "organisations"]
    search_fields = ["name", "slug", "theme", "target_group"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisations"]
    # The phase changes only through phases.services, never here.
    readonly_fields = ["phase", "created_at", "created_by", "retention_warned_at", "purged_at"]
    date_hierarchy = "planned_start"
    inlines = [MembershipInline, InvitationInline]
    list_select_related = ["programme"]


@admin.register(Membership)
class MembershipAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    # A membership holds the person's motivation and expectations.
    access_log_kind = DataKind.MOTIVATION
    list_display = ["user", "unit", "role", "joined_on", "left_on"]
    list_filter = ["role", ("left_on", admin.EmptyFieldListFilter), "unit"]
    search_fields = ["user__email", "user__full_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "unit", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter), "unit"]
    search_fields = ["email", "unit__name"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["unit", "invited_by"]
    list_select_related = ["unit"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "title", "duration_minutes", "description"]
    extra = 0


class AttendanceInline(AccessLoggedInline, admin.TabularInline):
    access_log_kind = DataKind.ATTENDANCE
    model = Attendance
    fields = ["user", "status"]
    autocomplete_fields = ["user"]
    extra = 0


class RsvpInline(admin.TabularInline):
    model = Rsvp
    fields = ["user", "answer", "answered_at"]
    readonly_fields = ["answered_at"]
    autocomplete_fields = ["user"]
    extra = 0


class SessionAttachmentInline(admin.TabularInline):
    model = SessionAttachment
    extra = 0
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the checked upload form


@admin.register(Session)
class SessionAdmin(AccessLoggedInlines, admin.ModelAdmin):
    list_display = ["unit", "starts_at", "status", "phase", "location", "reminder_sent_at"]
    list_filter = ["status", "phase", "unit"]
    search_fields = ["unit__name", "location", "notes", "decisions"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["unit"]
    inlines = [AgendaItemInline, AttendanceInline, RsvpInline, SessionAttachmentInline]
    list_select_related = ["unit"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "order", "duration_minutes"]
    search_fields = ["title", "description", "session__unit__name"]
    list_filter = ["session__unit"]
    autocomplete_fields = ["session"]
    list_select_related = ["session__unit"]


@admin.register(Attendance)
class AttendanceAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    access_log_kind = DataKind.ATTENDANCE

    def access_log_unit_id(self, obj):
        return obj.session.unit_id

    list_display = ["user", "session", "status"]
    list_filter = ["status", "session__unit"]
    search_fields = ["user__email", "user__full_name", "session__unit__name"]
    autocomplete_fields = ["user", "session"]
    list_select_related = ["user", "session__unit"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["user"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["unit", "version", "published_at", "published_by"]
    list_filter = ["unit"]
    readonly_fields = ["published_at", "published_by"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AccessLoggedAdmin, admin.ModelAdmin):
    """Proof of consent: read here, never changed (a new answer is a new record)."""

    access_log_kind = DataKind.CONSENT
    list_display = ["membership", "decision", "method", "recorded_at", "recorded_by"]
    list_filter = ["decision", "method"]
    list_select_related = ["membership__user", "membership__unit", "recorded_by"]

    def access_log_unit_id(self, obj):
        return obj.membership.unit_id

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


def _csv_cell(value) -> str:
    """Text that a spreadsheet would run as a formula is kept as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Searchable and exportable, never changed: the log is append-only (NEN 7513)."""

    list_display = ["at", "user", "role", "unit", "person", "respondent", "kind", "action"]
    list_filter = [
        "action",
        "kind",
        "role",
        "at",
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("person", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "person__email",
        "person__full_name",
        "user__email",
        "user__full_name",
        "respondent",
    ]
    date_hierarchy = "at"
    list_select_related = ["user", "unit", "person"]
    # Counting a log of years on every page would be the slowest query of the admin.
    show_full_result_count = False
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export the selected entries as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        entries = list(queryset.select_related("user", "unit", "person").order_by("at", "pk"))
        # The export is itself an access: one entry per person (or respondent code) in it.
        whose = {(e.person_id, e.respondent) for e in entries}
        log_access(
            user=request.user,
            role=ADMINISTRATOR,
            unit=None,
            action=AccessAction.EXPORTED,
            kind=DataKind.ACCESS_LOG,
            accessed=[Accessed(person_id=p, respondent=r) for p, r in sorted(whose, key=str)],
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        response.write("\ufeff")  # so that Excel reads UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                "at",
                "user_id",
                "user",
                "role",
                "unit",
                "person_id",
                "person",
                "respondent",
                "kind",
                "object_id",
                "action",
            ]
        )
        for e in entries:
            writer.writerow(
                [
                    _csv_cell(value)
                    for value in (
                        e.at.isoformat(),
                        e.user_id,
                        e.user.get_full_name(),
                        e.role,
                        e.unit.slug if e.unit else "",
                        e.person_id or "",
                        e.person.get_full_name() if e.person else "",
                        e.respondent,
                        e.kind,
                        e.object_id or "",
                        e.action,
                    )
                ]
            )
        return response
