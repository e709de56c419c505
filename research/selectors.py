"""Reads of research data, with their joins built in. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext

from .importing.data import ReadSummary
from .importing.problems import Problem, Problems
from .models import CodedFragment, ImportBatch, Material, Measure, Observation, Theme, Wave
from .sources import SOURCE_KINDS, Source, SourceKind, kind_for_model, source_title

# --- Waves and measures -----------------------------------------------------------


def unit_waves(unit) -> list[Wave]:
    """The unit's waves in order (a unit gets its three default waves when it is created)."""
    return list(Wave.objects.filter(unit=unit).in_time())


def data_version(unit) -> str:
    """The version of the unit's research data ("" before anything was written by a
    service); one primary-key lookup, however many values the unit has."""
    from .models import DataVersion

    token = DataVersion.objects.filter(unit=unit).values_list("token", flat=True).first()
    return str(token) if token else ""


def unit_measures(unit) -> list[Measure]:
    """The unit's codebook in order."""
    return list(Measure.objects.filter(unit=unit).order_by("order", "code"))


TEXT_ANSWERS_SHOWN = 3
TEXT_ANSWER_LENGTH = 300


def text_answer_samples(
    unit, per_measure: int = TEXT_ANSWERS_SHOWN, leave_out: frozenset[str] = frozenset()
) -> dict[str, list[dict]]:
    """A few answers to each text measure of the unit (the latest waves first), by
    respondent code, never by name: {measure code: [{wave, respondent, text}]}. One query.
    ``leave_out``: respondent codes of people who declined or withdrew consent."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from .models import MeasureType, Observation

    rows = (
        Observation.objects.filter(unit=unit, measure__type=MeasureType.TEXT)
        .exclude(value_text="")
        .exclude(respondent__in=leave_out)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("wave__date").desc(nulls_last=True), F("wave__order").desc(), "pk"],
            )
        )
        .filter(rank__lte=per_measure)
        .order_by("measure__order", "measure__code", "rank")
        .values_list("measure__code", "wave__code", "respondent", "value_text")
    )
    samples: dict[str, list[dict]] = {}
    for measure_code, wave_code, respondent, text in rows:
        samples.setdefault(measure_code, []).append(
            {"wave": wave_code, "respondent": respondent, "text": text[:TEXT_ANSWER_LENGTH]}
        )
    return samples


# --- Import batches -----------------------------------------------------------------


@dataclass
class BatchState:
    """What the import status page shows of a batch."""

    batch: ImportBatch
    progress: int
    problems: Problems
    summary_line: str


def import_batch_state(batch: ImportBatch) -> BatchState:
    """The batch with its progress (from the cache: only a hint), its problems and,
    once checked or imported, the one-line summary. No query."""
    # Imported here: the services read through this module.
    from .services.import_batches import progress_key
    from .services.observations import ImportResult

    problems = Problems(
        items=[Problem(line, column, message) for line, column, message in batch.problems],
        total=batch.problems_total,
    )
    summary_line = ""
    if batch.status in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.CONFIRMED):
        summary_line = ImportResult(
            problems=Problems(),
            summary=ReadSummary(rows=batch.rows),
            created=batch.values_created,
            updated=batch.values_updated,
            unchanged=batch.values_unchanged,
            dry_run=batch.status == ImportBatch.Status.PREVIEWED,
        ).summary_line()
    progress = 0
    if batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING):
        progress = cache.get(progress_key(batch.pk)) or 0
    return BatchState(batch=batch, progress=progress, problems=problems, summary_line=summary_line)


# --- Coding: sources, passages, themes ----------------------------------------------


def open_blind_codings(unit, viewer):
    """``viewer``'s blind codings in ``unit`` not submitted yet: the one rule for what a
    blind second coder may not see (the first coding of these materials)."""
    from .models import CodingComparison

    return CodingComparison.objects.filter(
        unit=unit, second_coder_id=viewer.pk, status=CodingComparison.Status.OPEN
    )


def codes_blind_in(units, viewer) -> bool:
    """Whether ``viewer`` codes a material of one of ``units`` blind and has not submitted:
    then the reports of those units, which quote the first coding, are not theirs yet."""
    from .models import CodingComparison

    return CodingComparison.objects.filter(
        unit__in=units, second_coder_id=viewer.pk, status=CodingComparison.Status.OPEN
    ).exists()


def blind_materials(unit, viewer):
    """The ids of the materials ``viewer`` codes blind now (a subquery)."""
    return open_blind_codings(unit, viewer).values("material_id")


def _in_someone_elses_open_blind_coding(viewer):
    """A condition on passages: coded by a second coder of a material they code blind
    and have not submitted, and ``viewer`` is not that coder. Blind goes both ways: the
    first coder does not see the second coder's coding of the material before the
    comparison either."""
    from .models import CodingComparison

    blind = CodingComparison.objects.filter(
        status=CodingComparison.Status.OPEN,
        material_id=OuterRef("object_id"),
        second_coder_id=OuterRef("coded_by_id"),
    )
    if viewer is not None and viewer.is_authenticated:
        blind = blind.exclude(second_coder_id=viewer.pk)
    return Q(content_type=ContentType.objects.get_for_model(Material)) & Exists(blind)


def visible_fragments(unit, viewer=None):
    """The unit's coded passages whose source still exists and may be seen now.

    ``viewer``: the person who will see them. While they code a material blind
    (``blind_materials``) its passages are hidden from them, on every page, list and
    export, until they submit; and the passages they themselves coded in that material
    meanwhile are hidden from everyone else (reports included). Reports (``viewer``
    None) are made for everyone.

    The one selector for every place that shows or hands out passages (the theme
    page, the passages export, a report's snapshot): a passage of an experiment
    made private again is hidden (and back when it is shared again); a passage
    whose source is gone is left out even before ``fragments_of_deleted_source``
    removed it. One query, with one subquery per kind of source.
    """
    fragments = visible_fragments_in([unit], viewer)
    if viewer is not None and viewer.is_authenticated:
        fragments = fragments.exclude(
            content_type=ContentType.objects.get_for_model(Material),
            object_id__in=blind_materials(unit, viewer),
        )
    return fragments


def visible_fragments_in(units, viewer=None):
    """The coded passages of ``units`` whose source still exists and may be seen (never
    a passage of a private draft, nor one of someone else's blind coding not submitted
    yet): ``visible_fragments`` of one unit, or what a programme's comparison counts."""
    visible = Q()
    for kind in SOURCE_KINDS.values():
        ct = ContentType.objects.get_for_model(kind.model)
        visible |= Q(content_type=ct, object_id__in=kind.queryset_in(units).values("pk"))
    return CodedFragment.objects.filter(visible, unit__in=units).exclude(
        _in_someone_elses_open_blind_coding(viewer)
    )


def get_source(unit, kind_key: str, pk: int, field: str) -> Source:
    """The source with this kind, id and field in ``unit``, or 404 (also for private drafts)."""
    kind = SOURCE_KINDS.get(kind_key)
    if kind is None or field not in kind.fields:
        raise Http404
    obj = kind.queryset(unit).filter(pk=pk).first()
    if obj is None:
        raise Http404
    obj.unit = unit  # already loaded; saves a query for URLs
    return Source(kind=kind, obj=obj, field=field)


def fragments_of(source: Source, viewer=None):
    """The coded passages of one source field ``viewer`` may see, in the order of the
    text, with their themes (a blind second coder's, as in ``visible_fragments``)."""
    ct = ContentType.objects.get_for_model(source.obj)
    return (
        CodedFragment.objects.filter(
            unit_id=source.obj.unit_id,
            content_type=ct,
            object_id=source.obj.pk,
            source_field=source.field,
        )
        .exclude(_in_someone_elses_open_blind_coding(viewer))
        .prefetch_related("themes")
        .order_by("start", "id")
    )


def themes_for_unit(unit):
    """The themes a unit may code with: its own and its programme's."""
    scope = Q(unit=unit)
    if unit.programme_id:
        scope |= Q(programme_id=unit.programme_id)
    return Theme.objects.filter(scope)


def themes_with_counts(unit, viewer=None):
    """The unit's and programme's themes, each with ``n_fragments`` visible in this unit
    (to ``viewer``)."""
    return (
        themes_for_unit(unit)
        .annotate(
            n_fragments=Count(
                "fragments",
                filter=Q(fragments__in=visible_fragments(unit, viewer)),
                distinct=True,
            )
        )
        .order_by("name")
    )


def codable_sources(unit, viewer=None) -> dict[str, list]:
    """The objects of the unit that can be coded, by kind, each with ``n_fragments``
    (the passages ``viewer`` may see).

    One query per kind plus one for the counts.
    """
    counts: dict[tuple[int, int], int] = {}
    for ct_id, obj_id, n in (
        visible_fragments(unit, viewer)
        .values("content_type_id", "object_id")
        .annotate(n=Count("id"))
        .values_list("content_type_id", "object_id", "n")
    ):
        counts[(ct_id, obj_id)] = n
    result = {}
    for kind in SOURCE_KINDS.values():
        qs = kind.queryset(unit)
        if kind.key == "session":
            qs = qs.exclude(notes="", decisions="")
        elif kind.key == "experiment":
            qs = qs.select_related("author")
        ct = ContentType.objects.get_for_model(kind.model)
        objects = list(qs)
        for obj in objects:
            obj.n_fragments = counts.get((ct.pk, obj.pk), 0)
            obj.source_title = source_title(kind, obj)
            obj.coding_url = kind.coding_url(unit, obj.pk)
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
        model = ContentType.objects.get_for_id(ct_id).model_class()
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
        f.source_url = kind.coding_url(unit, obj.pk, f.source_field) if obj is not None else ""
        # A member's experiment is their personal data: whose it is, for the access log.
        is_experiment = obj is not None and kind.key == "experiment"
        f.source_author_id = obj.author_id if is_experiment else None
        f.source_object_id = obj.pk if obj is not None else None
    return fragments


def get_theme(unit, pk: int) -> Theme:
    """A theme the unit codes with (its own or its programme's), or 404."""
    theme = themes_for_unit(unit).filter(pk=pk).first()
    if theme is None:
        raise Http404
    return theme


def theme_fragments(unit, theme: Theme, viewer=None) -> list[CodedFragment]:
    """The passages coded with ``theme`` that ``viewer`` may see, oldest first, each with
    its source (``attach_sources``) and ``other_themes``."""
    fragments = list(
        visible_fragments(unit, viewer)
        .filter(themes=theme)
        .prefetch_related("themes")
        .order_by("created_at", "id")
    )
    attach_sources(fragments, unit)
    for f in fragments:
        f.other_themes = [t for t in f.themes.all() if t.pk != theme.pk]
    return fragments


def fragments_for_export(unit, viewer=None) -> list[CodedFragment]:
    """Every passage of the unit ``viewer`` may see, by source and position, with its
    source and themes."""
    fragments = list(
        visible_fragments(unit, viewer)
        .prefetch_related("themes")
        .order_by("content_type_id", "object_id", "source_field", "start", "id")
    )
    return attach_sources(fragments, unit)


def respondents_of(unit) -> list[str]:
    """The respondent codes with data in ``unit``, sorted (whose data an export holds)."""
    return list(
        Observation.objects.filter(unit=unit)
        .order_by("respondent")
        .values_list("respondent", flat=True)
        .distinct()
    )
