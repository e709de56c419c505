"""Writes of qualitative coding: materials, themes and coded passages."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from phases.choices import checked_knowledge_sources

from ..models import CodedFragment, Material, Theme
from ..passages import locate_passage, resolve_offsets, split_theme_names
from ..selectors import open_blind_codings, themes_for_unit
from ..sources import Source, normalise_newlines

# --- Themes ---------------------------------------------------------------------------


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
    knowledge_sources=(),
    knowledge_reference: str = "",
) -> CodedFragment:
    """Code a passage of ``source`` with existing themes and/or new ones (by name)."""
    unit = source.obj.unit
    if (
        isinstance(source.obj, Material)
        and open_blind_codings(unit, actor).filter(material_id=source.obj.pk).exists()
    ):
        raise ValidationError(
            gettext(
                "You are coding this material blind: submit your blind coding first, then "
                "code its passages here."
            )
        )
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
        knowledge_sources=checked_knowledge_sources(knowledge_sources),
        knowledge_reference=knowledge_reference.strip(),
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
