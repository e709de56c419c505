"""The Django admin's reading and changing of people's data, in the access log.

Administrators see experiments, attendance and memberships (motivation) in the
admin as well as in the application; NEN 7513 asks for the same log line either
way. ``AccessLoggedAdmin`` is mixed into those ModelAdmins (before the ModelAdmin
class) and writes through the one service, ``units.access.log_access``, in the role
of administrator:

- a list page: one entry per row on the page shown, in one INSERT (the rows the
  page shows anyway: no extra query);
- a change page: one entry for the object;
- saving, adding and deleting (also the "delete selected" action): one entry each;
- the object's history pages (the admin's and django-simple-history's): one entry.

``AccessLoggedInlines`` does the same for inlines that show such data on another
model's change page (attendance on a session, responses on an experiment): the rows
shown, and each row added, changed or deleted there.
"""

from django.contrib.admin.utils import unquote
from django.db import transaction

from .access import Accessed, acting_role, log_access
from .models import AccessAction, DataKind


def _log_as_administrator(request, kind: DataKind, action: AccessAction, entries) -> int:
    """The admin's entries: in the role the account gives (no membership is involved)."""
    return log_access(
        user=request.user,
        role=acting_role(request.user, None),
        unit=None,
        action=action,
        kind=kind,
        accessed=entries,
    )


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
        entries = [self.access_log_entry(obj) for obj in objects]
        return _log_as_administrator(request, self.access_log_kind, action, entries)

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

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log_history(request, object_id, response)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history: one earlier version of the object, field by field.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._log_history(request, object_id, response)
        return response

    def _log_history(self, request, object_id, response) -> None:
        if response.status_code != 200:
            return
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            self.access_log(request, AccessAction.VIEWED, [obj])

    @transaction.atomic
    def delete_model(self, request, obj):
        self.access_log(request, AccessAction.DELETED, [obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        self.access_log(request, AccessAction.DELETED, list(queryset))
        super().delete_queryset(request, queryset)


class AccessLoggedInline:
    """An inline showing people's data of ``access_log_kind`` (mixed in before the inline
    class); the parent admin is an ``AccessLoggedInlines``."""

    access_log_kind: DataKind
    access_log_person_field = "user"

    def access_log_entry(self, obj, unit_id) -> Accessed:
        return Accessed(
            person_id=getattr(obj, f"{self.access_log_person_field}_id"),
            object_id=obj.pk,
            unit_id=unit_id,
        )


class AccessLoggedInlines:
    """A ModelAdmin whose change page shows ``AccessLoggedInline`` rows: they are logged
    as shown, and as added, changed or deleted when the page is saved."""

    def access_log_unit_id_of_parent(self, obj) -> int | None:
        return obj.unit_id

    def _log_inline(self, request, inline, action, objects, unit_id) -> None:
        entries = [inline.access_log_entry(obj, unit_id) for obj in objects]
        _log_as_administrator(request, inline.access_log_kind, action, entries)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        original = context.get("original")
        if original is None:  # not a page shown (the redirect after saving)
            return response
        unit_id = self.access_log_unit_id_of_parent(original)
        for wrapper in context.get("inline_admin_formsets", []):
            if isinstance(wrapper.opts, AccessLoggedInline):
                shown = [form.instance for form in wrapper.formset.initial_forms]
                self._log_inline(request, wrapper.opts, AccessAction.VIEWED, shown, unit_id)
        return response

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        inline = next(
            (
                i
                for i in self.get_inline_instances(request, form.instance)
                if i.model is formset.model and isinstance(i, AccessLoggedInline)
            ),
            None,
        )
        if inline is None:
            return
        unit_id = self.access_log_unit_id_of_parent(form.instance)
        for action, objects in (
            (AccessAction.CREATED, formset.new_objects),
            (AccessAction.CHANGED, [obj for obj, _fields in formset.changed_objects]),
            (AccessAction.DELETED, formset.deleted_objects),
        ):
            self._log_inline(request, inline, action, objects, unit_id)
