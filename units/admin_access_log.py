"""The Django admin's reading and changing of people's data, in the access log.

Administrators see experiments, attendance and memberships (motivation) in the
admin as well as in the application; NEN 7513 asks for the same log line either
way. ``AccessLoggedAdmin`` is mixed into those ModelAdmins (before the ModelAdmin
class) and writes through the one service, ``units.access.log_access``, in the role
of administrator:

- a list page: one entry per row on the page shown, in one INSERT (the rows the
  page shows anyway: no extra query);
- a change page: one entry for the object;
- saving, adding and deleting (also the "delete selected" action): one entry each.
"""

from django.db import transaction

from .access import Accessed, acting_role, log_access
from .models import AccessAction, DataKind


class AccessLoggedAdmin:
    access_log_kind: DataKind
    # The field naming whose data a row is (a ForeignKey to the user).
    access_log_person_field = "user"

    def access_log_unit_id(self, obj) -> int | None:
        return obj.unit_id

    def access_log_entry(self, obj) -> Accessed:
        return Accessed(
            person_id=getattr(obj, f"{self.access_log_person_field}_id"),
            object_id=obj.pk,
            unit_id=self.access_log_unit_id(obj),
        )

    def access_log(self, request, action: AccessAction, objects) -> int:
        return log_access(
            user=request.user,
            role=acting_role(request.user, None),
            unit=None,
            action=action,
            kind=self.access_log_kind,
            accessed=[self.access_log_entry(obj) for obj in objects],
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if changelist is not None:  # a page shown (not a redirect after an action)
            # The page's queryset, evaluated here and reused (cached) by the template.
            self.access_log(request, AccessAction.VIEWED, changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        original = context.get("original")
        if original is not None:  # a page shown (not the redirect after saving)
            self.access_log(request, AccessAction.VIEWED, [original])
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.access_log(request, AccessAction.CHANGED if change else AccessAction.CREATED, [obj])

    @transaction.atomic
    def delete_model(self, request, obj):
        self.access_log(request, AccessAction.DELETED, [obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        self.access_log(request, AccessAction.DELETED, list(queryset))
        super().delete_queryset(request, queryset)
