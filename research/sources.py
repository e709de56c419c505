"""What can be coded: the kinds of *source*, and one source text.

A source is one text field of one object of the unit: a research ``Material``
(its text), a ``units.Session`` (its notes or decisions), or a *shared*
``phases.Experiment`` (each of its reflection fields). Private drafts of
experiments are never sources. The models are looked up by label
(``apps.get_model``) so that research does not import phases at import time;
a kind whose model is missing is a bug, and fails loudly.

Offsets (``start``/``end`` of a CodedFragment) count characters (code points)
in the source text with its line breaks normalised to ``\\n``, which is how the
browser shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import CodedFragment


def normalise_newlines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class SourceKind:
    """A kind of object whose text fields can be coded."""

    key: str  # in URLs
    model_label: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    label: str

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def queryset(self, unit):
        return self._codable(self.model._default_manager.filter(unit=unit))

    def queryset_in(self, units):
        """The sources of several units at once (a programme's comparison)."""
        return self._codable(self.model._default_manager.filter(unit__in=units))

    def _codable(self, qs):
        if self.key == "experiment":
            # Only what the author shared with the unit; never a private draft
            # (the same rule as phases: Experiment.objects.shared()).
            qs = qs.shared()
        return qs

    def field_label(self, field_name: str) -> str:
        return str(self.model._meta.get_field(field_name).verbose_name).capitalize()

    def coding_url(self, unit, pk: int, field: str | None = None) -> str:
        return reverse(
            "research:code_source",
            kwargs={
                "slug": unit.slug,
                "kind": self.key,
                "pk": pk,
                "field": field or self.fields[0],
            },
        )


SOURCE_KINDS: dict[str, SourceKind] = {
    kind.key: kind
    for kind in (
        SourceKind("material", "research.Material", ("text",), _("Material")),
        SourceKind("session", "units.Session", ("notes", "decisions"), _("Session notes")),
        SourceKind(
            "experiment",
            "phases.Experiment",
            ("situation", "tried", "happened", "learned", "next_steps"),
            _("Practice experiment"),
        ),
    )
}


def kind_for_model(model) -> SourceKind | None:
    label = model._meta.label
    return next((k for k in SOURCE_KINDS.values() if k.model_label == label), None)


def source_title(kind: SourceKind, obj) -> str:
    if kind.key == "session":
        when = formats.date_format(timezone.localtime(obj.starts_at), "DATE_FORMAT")
        return gettext("Session of %(date)s") % {"date": when}
    return str(obj)


@dataclass(frozen=True)
class Source:
    """One codable text: a field of an object of the unit."""

    kind: SourceKind
    obj: object
    field: str

    @cached_property
    def text(self) -> str:
        return normalise_newlines(getattr(self.obj, self.field, ""))

    @property
    def title(self) -> str:
        return source_title(self.kind, self.obj)

    @property
    def field_label(self) -> str:
        return self.kind.field_label(self.field)

    def coding_url(self, field: str | None = None) -> str:
        return self.kind.coding_url(self.obj.unit, self.obj.pk, field or self.field)

    @property
    def other_fields(self) -> list[tuple[str, str, str]]:
        """(field, label, coding url) for every codable field of the same object."""
        return [(f, self.kind.field_label(f), self.coding_url(f)) for f in self.kind.fields]


# --- A deleted source takes its coded passages along ------------------------------


def fragments_of_deleted_source(sender, instance, **kwargs):
    """A ``post_delete`` receiver: a deleted source takes its coded passages along."""
    CodedFragment.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def connect_source_deletion() -> None:
    """Called from ``ResearchConfig.ready``: every kind of source."""
    for kind in SOURCE_KINDS.values():
        post_delete.connect(
            fragments_of_deleted_source,
            sender=kind.model,
            dispatch_uid=f"research-fragments-of-{kind.key}",
        )
