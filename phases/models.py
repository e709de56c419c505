"""What each phase holds: the project design, the baseline assessment, the plan of
action with its versions, practice experiments, products and the phase history.

Writes go through ``phases.services``; a unit's phase changes only there.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.choices import Phase

from .choices import KnowledgeSource

User = settings.AUTH_USER_MODEL


def knowledge_source_labels(codes) -> list[str]:
    labels = dict(KnowledgeSource.choices)
    return [str(labels[s]) for s in codes or [] if s in labels]


class ProjectDesign(models.Model):
    """Phase 1 (and the group-size note of phase 2): one per unit."""

    unit = models.OneToOneField(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="design"
    )
    ambition = models.TextField(
        _("ambition"), blank=True, help_text=_("What should be better in practice, and for whom?")
    )
    urgency = models.TextField(
        _("urgency"), blank=True, help_text=_("Why this matters now: the sense of urgency.")
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, help_text=_("Usually 12 to 24 months.")
    )
    cadence_weeks = models.PositiveSmallIntegerField(
        _("meeting every ... weeks"), null=True, blank=True, help_text=_("Usually 3 to 6 weeks.")
    )
    research_design = models.TextField(
        _("research design"),
        blank=True,
        help_text=_("What is measured, when (baseline, halfway, end) and how."),
    )
    management_support = models.TextField(
        _("management support"), blank=True, help_text=_("Who in management backs the unit.")
    )
    mandate_hours_per_month = models.PositiveSmallIntegerField(
        _("time per member (hours per month)"), null=True, blank=True
    )
    permission_to_experiment = models.BooleanField(
        _("members may experiment in their daily work"), default=False
    )
    group_size_reason = models.TextField(
        _("reason for a group outside 7-12 members"),
        blank=True,
        help_text=_("Only needed when the group is smaller than 7 or larger than 12."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        User, verbose_name=_("updated by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project design")
        verbose_name_plural = _("project designs")

    def __str__(self):
        return str(self.unit)

    @property
    def has_design(self) -> bool:
        return bool(self.duration_months and self.research_design.strip())


class PhaseTransitionQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("actor")


class PhaseTransition(models.Model):
    """One step of a unit's phase history: from, to, who, when, and what was overridden."""

    class Direction(models.TextChoices):
        ADVANCE = "advance", _("Advanced")
        BACK = "back", _("Moved back")

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="phase_transitions",
    )
    from_phase = models.PositiveSmallIntegerField(_("from phase"), choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(_("to phase"), choices=Phase.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    # [{"code": ..., "label": ...}] of the exit criteria that were not met at the time.
    overridden = models.JSONField(_("overridden criteria"), default=list, blank=True)
    justification = models.TextField(_("justification"), blank=True)

    objects = PhaseTransitionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "at"])]

    def __str__(self):
        return f"{self.unit}: {self.from_phase} -> {self.to_phase}"

    @property
    def overridden_labels(self) -> list[str]:
        """The overridden criteria in today's language (the stored label if one is gone)."""
        from .criteria import get_criterion

        labels = []
        for item in self.overridden:
            found = get_criterion(item.get("code", ""))
            labels.append(found.label if found else item.get("label", ""))
        return labels


class BaselineItem(models.Model):
    """Phase 3: one strength or point for improvement of current practice."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        IMPROVEMENT = "improvement", _("Point for improvement")

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="baseline_items",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("description"))
    knowledge_source = models.CharField(
        _("source of knowledge"), max_length=14, choices=KnowledgeSource.choices
    )
    knowledge_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("baseline assessment item")
        verbose_name_plural = _("baseline assessment items")
        ordering = ["unit", "kind", "pk"]

    def __str__(self):
        return Truncator(self.text).chars(60)


class Goal(models.Model):
    """Phase 4: a clearly formulated goal of the plan of action."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="goals"
    )
    text = models.TextField(_("goal"))
    target = models.CharField(
        _("construct or measure"),
        max_length=100,
        blank=True,
        help_text=_("The construct or measure code the goal aims at, if there is one."),
    )
    knowledge_sources = models.JSONField(_("knowledge sources"), default=list, blank=True)
    knowledge_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["unit", "order", "pk"]

    def __str__(self):
        return Truncator(self.text).chars(80)

    def get_knowledge_sources_display(self) -> list[str]:
        return knowledge_source_labels(self.knowledge_sources)


class ActionStep(models.Model):
    """An attainable, specific step towards a goal, owned by one member."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="steps"
    )
    what = models.TextField(_("what"))
    owner = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_steps",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    knowledge_sources = models.JSONField(_("knowledge sources"), default=list, blank=True)
    knowledge_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")
        ordering = ["goal", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return Truncator(self.what).chars(80)

    def get_knowledge_sources_display(self) -> list[str]:
        return knowledge_source_labels(self.knowledge_sources)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_date and self.due_date < timezone.localdate())


class PlanVersion(models.Model):
    """An approved version of the plan of action: a frozen snapshot, never changed."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="plan_versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    approved_by = models.ForeignKey(
        User, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)
    reason = models.TextField(_("reason for the changes"), blank=True)
    # {"goals": [{"id", "text", "target", "steps": [{"id", "what", "owner", ...}]}]}
    snapshot = models.JSONField(_("snapshot"), default=dict)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="one_plan_version_number"),
        ]

    def __str__(self):
        return f"{self.unit} v{self.number}"

    def save(self, *args, **kwargs):
        # An approved version is a record of what was agreed: it is never rewritten.
        if self.pk is not None and PlanVersion.objects.filter(pk=self.pk).exists():
            raise ValidationError(_("An approved plan version cannot be changed."))
        super().save(*args, **kwargs)


class ExperimentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared experiments, and the person's own drafts."""
        return self.filter(
            models.Q(visibility=Experiment.Visibility.SHARED) | models.Q(author=user)
        )

    def shared(self):
        return self.filter(visibility=Experiment.Visibility.SHARED)


class Experiment(models.Model):
    """A member's log of something tried in daily practice (PDCA / Kolb)."""

    class Visibility(models.TextChoices):
        DRAFT = "draft", _("Private draft")
        SHARED = "shared", _("Shared with the unit")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="experiments"
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.CASCADE, related_name="experiments"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), default=timezone.localdate)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal it serves"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experiments",
    )
    situation = models.TextField(_("the situation"), blank=True)
    tried = models.TextField(_("what I tried"), blank=True)
    happened = models.TextField(_("what happened"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    next_steps = models.TextField(_("what I will try next"), blank=True)
    knowledge_sources = models.JSONField(_("knowledge sources"), default=list, blank=True)
    knowledge_reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Optional: a publication, a document or a person's role it draws on."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExperimentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("practice experiment")
        verbose_name_plural = _("practice experiments")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("phases:experiment_detail", kwargs={"slug": self.unit.slug, "pk": self.pk})

    @property
    def is_shared(self) -> bool:
        return self.visibility == self.Visibility.SHARED

    def get_knowledge_sources_display(self) -> list[str]:
        return knowledge_source_labels(self.knowledge_sources)


class ExperimentComment(models.Model):
    experiment = models.ForeignKey(
        Experiment, verbose_name=_("experiment"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return Truncator(self.text).chars(60)


def _experiment_attachment_path(instance, filename):
    # A random name on disk: the original name is kept in the database only.
    ext = os.path.splitext(filename)[1].lower()
    return f"experiments/{instance.experiment.unit_id}/{uuid.uuid4().hex}{ext}"


class ExperimentAttachment(models.Model):
    """A file with a practice experiment: a photo of a flip-over, a handout."""

    experiment = models.ForeignKey(
        Experiment,
        verbose_name=_("experiment"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_experiment_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=120)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("experiment attachment")
        verbose_name_plural = _("experiment attachments")
        ordering = ["experiment", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


@receiver(post_delete, sender=ExperimentAttachment)
def _delete_experiment_attachment_file(sender, instance, **kwargs):
    """A deleted attachment (or its deleted experiment, author or unit) takes its file
    along, once the delete commits."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class Product(models.Model):
    """Phase 6: what the unit made."""

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocol")
        ASSESSMENT_TOOL = "assessment_tool", _("Assessment tool")
        BROCHURE = "brochure", _("Brochure")
        HANDBOOK = "handbook", _("Handbook")
        METHOD = "method", _("Method description")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="products"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["unit", "title"]

    def __str__(self):
        return self.title


def _product_file_path(instance, filename):
    # A random name on disk: the original name is kept in the database only.
    ext = os.path.splitext(filename)[1].lower()
    return f"products/{instance.product.unit_id}/{uuid.uuid4().hex}{ext}"


class ProductFile(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=_product_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=120)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("product file")
        verbose_name_plural = _("product files")
        ordering = ["product", "original_name"]

    def __str__(self):
        return self.original_name


class Dissemination(models.Model):
    """How the unit shared what it learned: a talk, an article, a training."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="disseminations",
    )
    what = models.CharField(_("what"), max_length=300)
    date = models.DateField(_("when"))
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    reach = models.PositiveIntegerField(
        _("reach"), null=True, blank=True, help_text=_("About how many people it reached.")
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disseminations",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("dissemination activity")
        verbose_name_plural = _("dissemination activities")
        ordering = ["unit", "-date"]

    def __str__(self):
        return self.what
