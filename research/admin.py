"""Admin for research data: read mostly; researchers work on the unit's research pages."""

from django.contrib import admin

from .models import ImportBatch, Measure, Observation, ObservationChange, Wave


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "unit", "type", "min_value", "max_value", "respondent"]
    list_filter = ["type", "respondent"]
    search_fields = ["code", "label", "construct", "unit__name"]
    list_select_related = ["unit"]


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "unit", "date", "order"]
    search_fields = ["code", "label", "unit__name"]
    list_select_related = ["unit"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "original_filename",
        "unit",
        "uploaded_by",
        "created_at",
        "status",
        "rows",
        "values_created",
        "values_updated",
    ]
    list_filter = ["status", "shape"]
    search_fields = ["original_filename", "unit__name"]
    list_select_related = ["unit", "uploaded_by"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["respondent", "measure", "wave", "value_numeric", "value_text", "unit"]
    search_fields = ["respondent", "measure__code", "unit__name"]
    list_select_related = ["unit", "measure", "wave"]
    raw_id_fields = ["measure", "wave", "batch"]


@admin.register(ObservationChange)
class ObservationChangeAdmin(admin.ModelAdmin):
    list_display = ["respondent", "measure", "wave", "old_numeric", "new_numeric", "changed_at"]
    search_fields = ["respondent", "measure__code"]
    list_select_related = ["measure", "wave"]
    readonly_fields = [f.name for f in ObservationChange._meta.fields]
