"""Qualitative coding: the texts that can be coded, and the writes on materials,
themes and coded passages.

A *source* is one text field of one object of the unit: a research
``Material`` (its text), a ``units.Session`` (its notes or decisions), or a
*shared* ``phases.Experiment`` (each of its reflection fields). Private drafts
of experiments are never sources. The phases app is looked up lazily
(``apps.get_model``) so that research does not depend on it at import time.

Offsets (``start``/``end`` of a CodedFragment) count characters (code points)
in the source text with its line breaks normalised to ``\\n``, which is how the
browser shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import CodedFragment, Material, Theme


def normalise_newlines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


# --- Sources -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceKind:
    """A kind of object whose text fields can be coded."""

    key: str  # in URLs
    model_label: str  # "app_label.ModelName"
    fields: tuple[str, ...]
    label: str

    @property
    def model(self):
        """The model class, or None when its app is not installed."""
        try:
            return apps.get_model(self.model_label)
        except LookupError:
            return None

    def queryset(self, unit):
        model = self.model
        if model is None:
            return None
        qs = model._default_manager.filter(unit=unit)
        if self.key == "experiment":
            # Only what the author shared with the unit; never a private draft.
            qs = qs.filter(visibility="shared")
        return qs

    def field_label(self, field_name: str) -> str:
        model = self.model
        return str(model._meta.get_field(field_name).verbose_name).capitalize()


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


def visible_fragments(unit):
    """The unit's coded passages whose source still exists and may be seen now.

    The one selector for every place that shows or hands out passages (the theme
    page, the passages export, a report's snapshot): a passage of an experiment
    made private again is hidden (and back when it is shared again); a passage
    whose source is gone is left out even before ``fragments_of_deleted_source``
    removed it. One query, with one subquery per kind of source.
    """
    visible = Q()
    for kind in SOURCE_KINDS.values():
        qs = kind.queryset(unit)
        if qs is None:
            continue
        ct = ContentType.objects.get_for_model(kind.model)
        visible |= Q(content_type=ct, object_id__in=qs.values("pk"))
    if not visible:
        return CodedFragment.objects.none()
    return CodedFragment.objects.filter(visible, unit=unit)


def fragments_of_deleted_source(sender, instance, **kwargs):
    """A ``post_delete`` receiver: a deleted source takes its coded passages along."""
    CodedFragment.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def connect_source_deletion() -> None:
    """Called from ``ResearchConfig.ready``: every kind of source (of installed apps)."""
    from django.db.models.signals import post_delete

    for kind in SOURCE_KINDS.values():
        if kind.model is not None:
            post_delete.connect(
                fragments_of_deleted_source,
                sender=kind.model,
                dispatch_uid=f"research-fragments-of-{kind.key}",
            )


def kind_for_model(model) -> SourceKind | None:
    label = model._meta.label
    return next((k for k in SOURCE_KINDS.values() if k.model_label == label), None)


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
        return reverse(
            "research:code_source",
            kwargs={
                "slug": self.obj.unit.slug,
                "kind": self.kind.key,
                "pk": self.obj.pk,
                "field": field or self.field,
            },
        )

    @property
    def other_fields(self) -> list[tuple[str, str, str]]:
        """(field, label, coding url) for every codable field of the same object."""
        return [(f, self.kind.field_label(f), self.coding_url(f)) for f in self.kind.fields]


def source_title(kind: SourceKind, obj) -> str:
    if kind.key == "session":
        from django.utils import formats, timezone

        when = formats.date_format(timezone.localtime(obj.starts_at), "DATE_FORMAT")
        return gettext("Session of %(date)s") % {"date": when}
    return str(obj)


def get_source(unit, kind_key: str, pk: int, field: str) -> Source:
    """The source with this kind, id and field in ``unit``, or 404 (also for private drafts)."""
    kind = SOURCE_KINDS.get(kind_key)
    if kind is None or field not in kind.fields:
        raise Http404
    qs = kind.queryset(unit)
    if qs is None:
        raise Http404
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    obj.unit = unit  # already loaded; saves a query for URLs
    return Source(kind=kind, obj=obj, field=field)


def fragments_of(source: Source):
    ct = ContentType.objects.get_for_model(source.obj)
    return (
        CodedFragment.objects.filter(
            unit_id=source.obj.unit_id,
            content_type=ct,
            object_id=source.obj.pk,
            source_field=source.field,
        )
        .prefetch_related("themes")
        .order_by("start", "id")
    )


def highlighted_segments(text: str, fragments) -> list[tuple[str, int]]:
    """The text cut into (piece, number of coded passages covering it), in order.

    Used to show coded passages highlighted without any markup in the text
    itself; a passage whose offsets no longer fit the text is left out.
    """
    bounds = {0, len(text)}
    spans = []
    for f in fragments:
        if 0 <= f.start < f.end <= len(text):
            spans.append((f.start, f.end))
            bounds.update((f.start, f.end))
    cuts = sorted(bounds)
    segments = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        depth = sum(1 for s, e in spans if s <= a and b <= e)
        segments.append((text[a:b], depth))
    return segments


# --- Finding a passage ---------------------------------------------------------------


def locate_passage(text: str, passage: str, near: int | None = None) -> tuple[int, int] | None:
    """Where ``passage`` occurs in ``text``: (start, end), or None.

    Tries the exact passage first, then ignores differences in whitespace
    (a passage pasted from an e-mail or a PDF often has other line breaks).
    With several occurrences, the one closest to ``near`` wins.
    """
    passage = normalise_newlines(passage).strip()
    if not passage:
        return None
    starts = [m.start() for m in re.finditer(re.escape(passage), text)]
    if starts:
        start = _closest(starts, near)
        return start, start + len(passage)
    words = passage.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    matches = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if matches:
        start = _closest([s for s, _e in matches], near)
        return next(m for m in matches if m[0] == start)
    return None


def _closest(starts: list[int], near: int | None) -> int:
    if near is None:
        return starts[0]
    return min(starts, key=lambda s: abs(s - near))


def resolve_offsets(
    text: str, *, start: int | None, end: int | None, passage: str
) -> tuple[int, int]:
    """The offsets of the passage to code, checked against the source text.

    Offsets from the browser are used when they select exactly the passage;
    otherwise (no JavaScript, or the text changed meanwhile) the passage is
    looked up in the text. Raises ValidationError when the passage is not in it.
    """
    passage = normalise_newlines(passage)
    if start is not None and end is not None:
        if not (0 <= start < end <= len(text)):
            raise ValidationError(
                gettext("The selected passage lies outside the text of the source."),
                code="outside",
            )
        selected = text[start:end]
        if not passage.strip() or selected.strip() == passage.strip():
            # Trim surrounding whitespace so the passage starts at its first word.
            lead = len(selected) - len(selected.lstrip())
            trail = len(selected) - len(selected.rstrip())
            if end - trail <= start + lead:
                raise ValidationError(gettext("The selected passage is empty."), code="empty")
            return start + lead, end - trail
    found = locate_passage(text, passage, near=start)
    if found is None:
        raise ValidationError(
            gettext("This passage does not occur in the text of the source."),
            code="not_found",
        )
    return found


# --- Themes ---------------------------------------------------------------------------


def themes_for_unit(unit):
    """The themes a unit may code with: its own and its programme's."""
    scope = Q(unit=unit)
    if unit.programme_id:
        scope |= Q(programme_id=unit.programme_id)
    return Theme.objects.filter(scope)


def themes_with_counts(unit):
    """The unit's and programme's themes, each with ``n_fragments`` visible in this unit."""
    return (
        themes_for_unit(unit)
        .annotate(
            n_fragments=Count(
                "fragments", filter=Q(fragments__in=visible_fragments(unit)), distinct=True
            )
        )
        .order_by("name")
    )


def split_theme_names(raw: str) -> list[str]:
    """New theme names typed as a comma- or semicolon-separated list."""
    seen, names = set(), []
    for name in re.split(r"[,;\n]", raw or ""):
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


@transaction.atomic
def theme_create(
    *, unit, name: str, description: str = "", factor=Theme.Factor.NONE, for_programme: bool = False
) -> Theme:
    """A new theme in the unit's code list, or in its programme's when ``for_programme``."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": gettext("Give the theme a name.")})
    if for_programme and not unit.programme_id:
        raise ValidationError(gettext("This unit is not part of a programme."))
    scope = {"programme_id": unit.programme_id} if for_programme else {"unit": unit}
    if Theme.objects.filter(name__iexact=name, **scope).exists():
        raise ValidationError({"name": gettext("There is already a theme with this name.")})
    return Theme.objects.create(name=name, description=description, factor=factor, **scope)


@transaction.atomic
def theme_update(*, theme: Theme, name: str, description: str, factor: str) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": gettext("Give the theme a name.")})
    scope = {"programme_id": theme.programme_id} if theme.programme_id else {"unit": theme.unit}
    if Theme.objects.filter(name__iexact=name, **scope).exclude(pk=theme.pk).exists():
        raise ValidationError({"name": gettext("There is already a theme with this name.")})
    theme.name, theme.description, theme.factor = name, description, factor
    theme.save(update_fields=["name", "description", "factor"])
    return theme


def _themes_by_name(unit, names: list[str]) -> list[Theme]:
    """Themes of the unit/programme with these names, creating unit themes that are new."""
    existing = {t.name.casefold(): t for t in themes_for_unit(unit)}
    result = []
    for name in names:
        theme = existing.get(name.casefold())
        if theme is None:
            theme = Theme.objects.create(unit=unit, name=name)
            existing[name.casefold()] = theme
        result.append(theme)
    return result


# --- Coded passages ------------------------------------------------------------------


@transaction.atomic
def fragment_create(
    *,
    source: Source,
    actor,
    passage: str,
    start: int | None = None,
    end: int | None = None,
    themes=(),
    new_theme_names: str = "",
) -> CodedFragment:
    """Code a passage of ``source`` with existing themes and/or new ones (by name)."""
    unit = source.obj.unit
    start, end = resolve_offsets(source.text, start=start, end=end, passage=passage)
    allowed = set(themes_for_unit(unit).values_list("pk", flat=True))
    chosen = [t for t in themes if t.pk in allowed]
    if len(chosen) != len(list(themes)):
        raise ValidationError(gettext("Choose themes of this unit or its programme."))
    chosen += _themes_by_name(unit, split_theme_names(new_theme_names))
    if not chosen:
        raise ValidationError(gettext("Choose at least one theme, or type a new one."))
    fragment = CodedFragment.objects.create(
        unit=unit,
        content_type=ContentType.objects.get_for_model(source.obj),
        object_id=source.obj.pk,
        source_field=source.field,
        start=start,
        end=end,
        text=source.text[start:end],
        coded_by=actor,
    )
    fragment.themes.set({t.pk for t in chosen})
    return fragment


@transaction.atomic
def fragment_delete(*, fragment: CodedFragment) -> None:
    fragment.delete()


# --- Materials ---------------------------------------------------------------------


@transaction.atomic
def material_create(*, unit, actor, kind: str, title: str, date, text: str) -> Material:
    return Material.objects.create(
        unit=unit,
        kind=kind,
        title=title,
        date=date,
        text=normalise_newlines(text),
        created_by=actor,
    )


@transaction.atomic
def material_update(*, material: Material, kind: str, title: str, date, text: str) -> Material:
    """Change a material. Its coded passages move with the text; a new text must
    still contain every coded passage, or nothing is changed."""
    text = normalise_newlines(text)
    ct = ContentType.objects.get_for_model(Material)
    fragments = list(
        CodedFragment.objects.filter(content_type=ct, object_id=material.pk).order_by("start")
    )
    moved = []
    if text != material.text:
        lost = []
        for f in fragments:
            if text[f.start : f.end] == f.text:
                continue
            found = locate_passage(text, f.text, near=f.start)
            if found is None or text[found[0] : found[1]] != f.text:
                lost.append(f.text)
            else:
                f.start, f.end = found
                moved.append(f)
        if lost:
            raise ValidationError(
                {
                    "text": gettext(
                        "These coded passages are no longer in the text; remove their "
                        "coding first or keep them in the text: %(passages)s"
                    )
                    % {"passages": "; ".join(f"“{p[:80]}”" for p in lost)}
                }
            )
    material.kind, material.title, material.date, material.text = kind, title, date, text
    material.save(update_fields=["kind", "title", "date", "text"])
    if moved:
        CodedFragment.objects.bulk_update(moved, ["start", "end"])
    return material


def codable_sources(unit) -> dict[str, list]:
    """The objects of the unit that can be coded, by kind, each with ``n_fragments``.

    One query per kind plus one for the counts.
    """
    counts: dict[tuple[int, int], int] = {}
    for ct_id, obj_id, n in (
        CodedFragment.objects.filter(unit=unit)
        .values("content_type_id", "object_id")
        .annotate(n=Count("id"))
        .values_list("content_type_id", "object_id", "n")
    ):
        counts[(ct_id, obj_id)] = n
    result = {}
    for kind in SOURCE_KINDS.values():
        qs = kind.queryset(unit)
        if qs is None:
            continue
        if kind.key == "session":
            qs = qs.exclude(notes="", decisions="")
        elif kind.key == "experiment":
            qs = qs.select_related("author")
        ct = ContentType.objects.get_for_model(kind.model)
        objects = list(qs)
        for obj in objects:
            obj.n_fragments = counts.get((ct.pk, obj.pk), 0)
            obj.source_title = source_title(kind, obj)
            obj.coding_url = reverse(
                "research:code_source",
                kwargs={"slug": unit.slug, "kind": kind.key, "pk": obj.pk, "field": kind.fields[0]},
            )
        result[kind.key] = objects
    return result


def attach_sources(fragments: list[CodedFragment], unit) -> list[CodedFragment]:
    """Give each fragment ``source_kind``, ``source_title`` and ``source_url``.

    One query per kind of source (the GenericForeignKey prefetch); a source
    that is gone or no longer shared shows without a link.
    """
    by_ct: dict[int, set[int]] = {}
    for f in fragments:
        by_ct.setdefault(f.content_type_id, set()).add(f.object_id)
    objects: dict[tuple[int, int], object] = {}
    kinds: dict[int, SourceKind] = {}
    for ct_id, ids in by_ct.items():
        ct = ContentType.objects.get_for_id(ct_id)
        model = ct.model_class()
        kind = kind_for_model(model) if model else None
        if kind is None:
            continue
        kinds[ct_id] = kind
        for obj in kind.queryset(unit).filter(pk__in=ids):
            objects[(ct_id, obj.pk)] = obj
    for f in fragments:
        kind = kinds.get(f.content_type_id)
        obj = objects.get((f.content_type_id, f.object_id))
        f.source_kind = kind.label if kind else ""
        f.source_title = source_title(kind, obj) if obj is not None else gettext("(removed)")
        f.source_field_label = kind.field_label(f.source_field) if kind else f.source_field
        f.source_url = (
            reverse(
                "research:code_source",
                kwargs={
                    "slug": unit.slug,
                    "kind": kind.key,
                    "pk": obj.pk,
                    "field": f.source_field,
                },
            )
            if obj is not None
            else ""
        )
    return fragments
