"""Reports: every rendering of a report is a stored, immutable version.

A Report row is written (queued) before its task is sent, so a request is
never lost; the worker fills in the snapshot (the data it was made from), the
PDF and its checksum. Once done, a report never changes.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from units.models import Programme, Unit
from units.ownership import unit_or_programme_constraints

User = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    BASELINE = "baseline", _("Baseline report")
    INTERMEDIARY = "intermediary", _("Intermediary report")
    FINAL = "final", _("Final report")
    COMPARISON = "comparison", _("Programme comparison")


UNIT_KINDS = (Kind.BASELINE, Kind.INTERMEDIARY, Kind.FINAL)


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def report_upload_to(report, filename):
    """MEDIA_ROOT/reports/...: streamed by an access-checked view, never from MEDIA_URL."""
    owner = report.unit.slug if report.unit_id else f"programme-{report.programme.slug}"
    token = secrets.token_hex(6)
    return f"reports/{owner}/{report.kind}-v{report.version}-{report.language}-{token}.pdf"


class ReportQuerySet(models.QuerySet):
    def for_owner(self, *, unit=None, programme=None):
        if unit is not None:
            return self.filter(unit=unit)
        return self.filter(programme=programme)

    def with_people(self):
        return self.select_related("requested_by", "unit", "programme")

    def done(self):
        return self.filter(status=Status.DONE)


class Report(models.Model):
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # The one-time token of the form that asked for it: the same form sent twice
    # (a double click, a resent POST) finds this report instead of making another.
    request_token = models.UUIDField(_("request token"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("task sent"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # A render in progress touches this every few seconds (and at each progress step):
    # one that stopped touching it has no live worker, and is sent again.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # The task (message) rendering it: the same message delivered again means its
    # worker lost it; another message finds a live render and leaves it alone.
    render_task = models.CharField(_("rendering task"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("reason it failed"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, max_length=300, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    # The data the report was made from; a re-delivered task renders from it again.
    snapshot = models.JSONField(_("data it was made from"), default=dict, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            *unit_or_programme_constraints(
                "report", unique_with=["kind", "version"], unique_name="report_version_unique"
            ),
            models.UniqueConstraint(
                fields=["requested_by", "request_token"],
                condition=Q(request_token__isnull=False),
                name="report_request_token_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="report_status_requested")]

    def __str__(self):
        return f"{self.owner} - {self.get_kind_display()} v{self.version}"

    def save(self, *args, **kwargs):
        # A finished report is a record of what was sent out: it is never rewritten.
        if self.pk is not None and Report.objects.filter(pk=self.pk, status=Status.DONE).exists():
            raise ValidationError(_("A finished report cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def owner(self):
        return self.unit if self.unit_id else self.programme

    @property
    def is_pending(self) -> bool:
        return self.status in (Status.QUEUED, Status.RENDERING)

    @property
    def is_done(self) -> bool:
        return self.status == Status.DONE

    def download_name(self) -> str:
        owner = self.unit.slug if self.unit_id else self.programme.slug
        return f"{owner}-{self.kind}-v{self.version}-{self.language}.pdf"


@receiver(post_delete, sender=Report)
def _delete_pdf_file(sender, instance, **kwargs):
    """A deleted report (or its deleted unit) takes its PDF and its copy of the data with
    it, once the delete commits."""
    if instance.pdf:
        storage, name = instance.pdf.storage, instance.pdf.name
        transaction.on_commit(lambda: storage.delete(name))
    if instance.snapshot:
        from .archive import data_copy_delete, data_copy_names

        # And the copy of the data it was made from (named now: the id goes with the row).
        names = data_copy_names(instance)
        transaction.on_commit(lambda: data_copy_delete(instance, names))


class ReportNarrative(models.Model):
    """The researcher's own text for a report kind, edited before rendering."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_narratives",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_narratives",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    introduction = models.TextField(_("introduction"), blank=True)
    method = models.TextField(_("method"), blank=True)
    discussion = models.TextField(_("discussion"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        User,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    SECTIONS = ("introduction", "method", "discussion", "recommendations")

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        constraints = [
            *unit_or_programme_constraints(
                "narrative", unique_with=["kind"], unique_name="narrative_unique"
            ),
        ]

    def __str__(self):
        return f"{self.unit or self.programme} - {self.get_kind_display()}"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.SECTIONS}
