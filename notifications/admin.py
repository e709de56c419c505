from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "event", "unit", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "event")
    search_fields = ("recipient__email", "recipient__full_name")
    raw_id_fields = ("recipient", "actor", "unit")
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "frequency")
    list_filter = ("kind", "frequency")
    search_fields = ("user__email", "user__full_name")
    raw_id_fields = ("user",)
