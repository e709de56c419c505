from django.contrib import admin

from .models import Report, ReportNarrative


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "version", "language", "status", "requested_at", "attempts")
    list_filter = ("status", "kind", "language")
    search_fields = ("unit__name", "programme__name")
    # A report is a record: nothing about it is edited by hand.
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "updated_at", "updated_by")
    list_filter = ("kind",)
