from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from units.admin_access_log import AccessLoggedAdmin, AccessLoggedInline, AccessLoggedInlines
from units.models import DataKind

from .models import (
    ActionStep,
    BaselineItem,
    Dissemination,
    Experiment,
    ExperimentAttachment,
    ExperimentComment,
    Goal,
    PhaseTransition,
    PlanVersion,
    Product,
    ProductFile,
    ProjectDesign,
)


@admin.register(ProjectDesign)
class ProjectDesignAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "duration_months", "updated_at"]
    raw_id_fields = ["unit", "updated_by"]


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    """Read-only: the phase history is written by phases.services only."""

    list_display = ["unit", "from_phase", "to_phase", "direction", "actor", "at"]
    list_filter = ["direction", "to_phase"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BaselineItem)
class BaselineItemAdmin(admin.ModelAdmin):
    list_display = ["unit", "kind", "knowledge_source", "text"]
    list_filter = ["kind", "knowledge_source"]
    raw_id_fields = ["unit", "created_by"]


class ActionStepInline(admin.TabularInline):
    model = ActionStep
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "order", "text", "target"]
    raw_id_fields = ["unit"]
    inlines = [ActionStepInline]


@admin.register(ActionStep)
class ActionStepAdmin(SimpleHistoryAdmin):
    list_display = ["what", "goal", "owner", "due_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["goal", "owner"]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    """Approved versions never change: view only."""

    list_display = ["unit", "number", "approved_by", "approved_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ExperimentCommentInline(AccessLoggedInline, admin.TabularInline):
    # A response to a practice experiment: its author's words, logged as the experiment's.
    access_log_kind = DataKind.EXPERIMENT
    access_log_person_field = "author"
    model = ExperimentComment
    extra = 0
    raw_id_fields = ["author"]


class ExperimentAttachmentInline(admin.TabularInline):
    model = ExperimentAttachment
    extra = 0
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the checked upload form


@admin.register(Experiment)
class ExperimentAdmin(AccessLoggedInlines, AccessLoggedAdmin, SimpleHistoryAdmin):
    access_log_kind = DataKind.EXPERIMENT
    access_log_person_field = "author"
    list_display = ["title", "unit", "author", "date", "visibility"]
    list_select_related = ["unit", "author"]
    list_filter = ["visibility"]
    raw_id_fields = ["unit", "author", "goal"]
    inlines = [ExperimentCommentInline, ExperimentAttachmentInline]


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    extra = 0
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the checked upload form


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["unit", "created_by"]
    inlines = [ProductFileInline]


@admin.register(Dissemination)
class DisseminationAdmin(admin.ModelAdmin):
    list_display = ["what", "unit", "date", "audience", "reach"]
    raw_id_fields = ["unit", "product"]
