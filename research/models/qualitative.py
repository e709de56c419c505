"""Qualitative research of a unit and a programme: material and coded fragments,
themes, goals linked to measures, programme factors, and agreement between coders."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phases.models import Goal, knowledge_source_labels
from units.models import Programme, Unit
from units.ownership import unit_or_programme_constraints

from .measures import Measure

# --- Qualitative ------------------------------------------------------------


class Material(models.Model):
    """Qualitative text material: interview or focus group notes, observations."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        FOCUS_GROUP = "focus_group", _("Focus group")
        OBSERVATION = "observation", _("Observation")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INTERVIEW)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-date", "-created_at", "-id"]

    def __str__(self):
        return self.title


class Theme(models.Model):
    """A code in a unit's (or a programme's) code list."""

    class Factor(models.TextChoices):
        NONE = "none", _("Not marked")
        CONTEXTUAL = "contextual", _("Contextual factor")
        COMMON = "common", _("Common factor")

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="themes",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="themes",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    factor = models.CharField(
        _("factor"), max_length=12, choices=Factor.choices, default=Factor.NONE
    )
    # The programme-level factor this theme is one unit's evidence for (issue 18): the
    # "same" theme in several units of a programme, linked by a researcher.
    programme_factor = models.ForeignKey(
        "ProgrammeFactor",
        verbose_name=_("programme factor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="themes",
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            *unit_or_programme_constraints(
                "theme", unique_with=["name"], unique_name="theme_name_unique"
            ),
        ]

    def __str__(self):
        return self.name


class CodedFragment(models.Model):
    """A passage of a source text tagged with themes.

    The source is generic (a Material, a units.Session's notes, a phases
    experiment); ``source_field`` names the text field the offsets refer to.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="coded_fragments"
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of source"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("source id"))
    source = GenericForeignKey("content_type", "object_id")
    source_field = models.CharField(_("field of the source"), max_length=64, default="text")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("passage"))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="fragments")
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("coded"), auto_now_add=True)
    # Which kinds of knowledge the passage voices (phases.choices.KnowledgeSource).
    knowledge_sources = models.JSONField(_("knowledge sources"), default=list, blank=True)
    knowledge_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )

    class Meta:
        verbose_name = _("coded passage")
        verbose_name_plural = _("coded passages")
        ordering = ["content_type", "object_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="fragment_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="fragment_source"),
            models.Index(fields=["unit", "created_at"], name="fragment_unit_created"),
        ]

    def __str__(self):
        return self.text[:60]

    def get_knowledge_sources_display(self) -> list[str]:
        return knowledge_source_labels(self.knowledge_sources)


# --- Goals and measures ------------------------------------------------------------


class GoalMeasure(models.Model):
    """A goal of the plan of action aims at a measure of the codebook.

    Kept on the research side (research may import phases, not the reverse): a goal's
    free-text "construct or measure" stays as it was written; this link is what the
    evidence chain follows from a goal to its measured change.
    """

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="measure_links"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="goal_links"
    )

    class Meta:
        verbose_name = _("measure of a goal")
        verbose_name_plural = _("measures of goals")
        ordering = ["goal", "measure__order", "measure__code"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "measure"], name="goal_measure_once"),
        ]

    def __str__(self):
        return f"{self.goal_id} -> {self.measure.code}"


# --- Programme factors ----------------------------------------------------------------


class ProgrammeFactor(models.Model):
    """A factor of a programme: themes of its units linked as "the same" theme.

    Whether it is common (evidenced in every unit) or contextual (in one) is computed
    from the coding (``research.factors``); a researcher may override that, always
    with a reason, which the factor table shows next to the computed answer.
    """

    class Occurrence(models.TextChoices):
        COMMON = "common", _("Common (in every unit)")
        SOME = "some", _("Shared by some units")
        CONTEXTUAL = "contextual", _("Contextual (in one unit)")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="factors"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    override = models.CharField(
        _("set by the researcher"), max_length=12, choices=Occurrence.choices, blank=True
    )
    override_reason = models.TextField(_("reason"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme factor")
        verbose_name_plural = _("programme factors")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="programme_factor_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(override="") | ~Q(override_reason=""),
                name="programme_factor_override_has_reason",
            ),
        ]

    def __str__(self):
        return self.name


# --- Agreement between coders -----------------------------------------------------------


class CodingComparison(models.Model):
    """A second researcher codes a material blind, paragraph by paragraph, without seeing
    the first coding; then the two are compared (``research.agreement``) and the agreed
    coding is recorded."""

    class Status(models.TextChoices):
        OPEN = "open", _("Being coded blind")
        SUBMITTED = "submitted", _("Ready to compare")
        AGREED = "agreed", _("Agreed coding recorded")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="coding_comparisons"
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("material"),
        on_delete=models.CASCADE,
        related_name="coding_comparisons",
    )
    second_coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second coder"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comparison of coders")
        verbose_name_plural = _("comparisons of coders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "second_coder"], name="one_blind_coding_per_coder"
            ),
        ]

    def __str__(self):
        return f"{self.material} ({self.second_coder_id})"


class SegmentCode(models.Model):
    """The themes of one paragraph of a compared material: the second coder's, or agreed."""

    class Role(models.TextChoices):
        SECOND = "second", _("Second coder")
        AGREED = "agreed", _("Agreed")

    comparison = models.ForeignKey(
        CodingComparison,
        verbose_name=_("comparison"),
        on_delete=models.CASCADE,
        related_name="segment_codes",
    )
    segment = models.PositiveIntegerField(_("paragraph"))
    role = models.CharField(_("by"), max_length=8, choices=Role.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="+", blank=True)

    class Meta:
        verbose_name = _("themes of a paragraph")
        verbose_name_plural = _("themes of paragraphs")
        ordering = ["comparison", "role", "segment"]
        constraints = [
            models.UniqueConstraint(
                fields=["comparison", "segment", "role"], name="one_code_per_segment_and_role"
            ),
        ]

    def __str__(self):
        return f"{self.comparison_id}/{self.segment} {self.role}"
