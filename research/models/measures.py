"""Research data of a unit: its codebook (measures), waves, observations and
their history, the imports that wrote them, and qualitative material with
coded fragments.

Waves: every unit has ``baseline``, ``intermediary`` and ``final`` (each with that
kind; a researcher adds pilots, more intermediary waves, follow-ups). Waves are read
in time: by date, then by the position the researcher can change
(``Wave.objects.in_time()``); change runs from the baseline to the later waves
(``research.statistics``). The default waves are made with the unit
(``research.services.waves.waves_ensure_defaults``, registered in research/apps.py
as a unit-created hook that ``units.services.unit_create`` runs); migration 0005
gave them to the units that existed before, 0006 their kinds. Pages only read them
(``research.selectors.unit_waves``).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from units.models import Unit

MEASURE_CODE_RE = r"^[A-Za-z0-9_]+$"
# Not starting with "-": a code is a cell in exports, and "-A1-B1" is a formula there.
WAVE_CODE_RE = r"^[A-Za-z0-9_][A-Za-z0-9_-]*$"
# Letters with accents too (\w is Unicode-aware); matched case-insensitively on import.
RESPONDENT_RE = r"^[\w.-]{1,64}$"

measure_code_validator = RegexValidator(
    MEASURE_CODE_RE, _("Use only letters, digits and underscores (_).")
)
wave_code_validator = RegexValidator(
    WAVE_CODE_RE,
    _(
        "Use only letters, digits, hyphens (-) and underscores (_), and start with a letter, "
        "a digit or an underscore."
    ),
)


class MeasureType(models.TextChoices):
    NUMERIC = "numeric", _("Numeric")
    LIKERT = "likert", _("Likert scale")
    YESNO = "yesno", _("Yes/no")
    TEXT = "text", _("Text")


class Respondent(models.TextChoices):
    CLIENT = "client", _("Client")
    PROFESSIONAL = "professional", _("Professional")
    CARER = "carer", _("Family carer")
    OTHER = "other", _("Other")


# Types whose values are numbers (yes/no is stored as 1/0).
NUMERIC_TYPES = frozenset({MeasureType.NUMERIC, MeasureType.LIKERT, MeasureType.YESNO})
# Types that need a range.
RANGED_TYPES = frozenset({MeasureType.NUMERIC, MeasureType.LIKERT})


class MeasureQuerySet(models.QuerySet):
    def for_unit(self, unit):
        return self.filter(unit=unit)

    def quantitative(self):
        """Measures with numbers (numeric, likert, yes/no), the ones with statistics."""
        return self.filter(type__in=NUMERIC_TYPES)


class Measure(models.Model):
    """One variable of the unit's codebook."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="measures"
    )
    code = models.CharField(
        _("code"),
        max_length=64,
        validators=[measure_code_validator],
        help_text=_("Letters, digits and underscores; the column name in data files."),
    )
    label = models.CharField(_("label"), max_length=200)
    construct = models.CharField(
        _("construct"),
        max_length=200,
        blank=True,
        help_text=_("What it measures, e.g. loneliness or quality of life."),
    )
    type = models.CharField(
        _("type"), max_length=10, choices=MeasureType.choices, default=MeasureType.NUMERIC
    )
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    respondent = models.CharField(
        _("respondent"), max_length=12, choices=Respondent.choices, default=Respondent.CLIENT
    )
    missing_codes = models.CharField(
        _("missing codes"),
        max_length=200,
        blank=True,
        help_text=_("Values that mean “no answer”, separated by “;”, e.g. 99; n.v.t."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["unit", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="measure_code_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gt=models.F("min_value")),
                name="measure_max_above_min",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.label}"

    @cached_property
    def missing_code_set(self) -> frozenset[str]:
        return frozenset(c.strip().casefold() for c in self.missing_codes.split(";") if c.strip())

    @property
    def is_quantitative(self) -> bool:
        return self.type in NUMERIC_TYPES

    def clean(self):
        errors = {}
        if self.type in RANGED_TYPES:
            if self.min_value is None:
                errors["min_value"] = _("Required for numeric and likert measures.")
            if self.max_value is None:
                errors["max_value"] = _("Required for numeric and likert measures.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.max_value <= self.min_value
        ):
            errors["max_value"] = _("The maximum must be above the minimum.")
        if errors:
            raise ValidationError(errors)


class WaveKind(models.TextChoices):
    """Where a wave stands in the design; "change" runs from the baseline to later waves."""

    PILOT = "pilot", _("Pilot")
    BASELINE = "baseline", _("Baseline")
    INTERMEDIARY = "intermediary", _("Intermediary")
    FINAL = "final", _("Final")
    FOLLOW_UP = "follow_up", _("Follow-up")


class WaveQuerySet(models.QuerySet):
    def in_time(self):
        """By date (waves without a date after the dated ones), then by position."""
        return self.order_by(models.F("date").asc(nulls_last=True), "order", "code")


class Wave(models.Model):
    """A moment of measurement: baseline, intermediary, final, or one a researcher adds.

    Waves are read in time (``Wave.objects.in_time()``): by date, then by ``order``,
    the position a researcher can change among waves with the same (or no) date.
    """

    BASELINE = "baseline"
    INTERMEDIARY = "intermediary"
    FINAL = "final"
    # Stored in English, shown in the reader's language (display_label).
    DEFAULTS = (
        (BASELINE, gettext_noop("Baseline"), 1),
        (INTERMEDIARY, gettext_noop("Intermediary"), 2),
        (FINAL, gettext_noop("Final"), 3),
    )

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="waves"
    )
    code = models.CharField(_("code"), max_length=40, validators=[wave_code_validator])
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=WaveKind.choices,
        default=WaveKind.INTERMEDIARY,
        help_text=_("Change is measured from the baseline to every later wave."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = [models.F("date").asc(nulls_last=True), "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="wave_code_unique_in_unit"),
        ]

    def __str__(self):
        return self.display_label

    @property
    def has_default_label(self) -> bool:
        """One of the three default waves, still with its default (English) label."""
        return any(self.code == code and self.label == label for code, label, _o in self.DEFAULTS)

    @property
    def display_label(self) -> str:
        """The label; for the three default waves with their default label, in the
        reader's language (the label is stored once, in the language of the moment)."""
        return gettext(self.label) if self.has_default_label else self.label

    @property
    def is_default(self) -> bool:
        return self.code in (self.BASELINE, self.INTERMEDIARY, self.FINAL)


def import_upload_to(batch, filename):
    """MEDIA_ROOT/imports/<unit slug>/<random>-<name>: never served from MEDIA_URL."""
    import secrets

    from django.utils.text import get_valid_filename

    name = get_valid_filename(filename)[-120:] or "upload"
    return f"imports/{batch.unit.slug}/{secrets.token_hex(8)}-{name}"


class ImportBatch(models.Model):
    """One uploaded data file: checked in the background, previewed, then (maybe)
    confirmed and imported in the background.

    The file is kept so that the check and the import read it from storage (nothing
    in the session, and a worker can read it), and so a researcher can see later
    where values came from. The status says where it is:

    queued -> checking -> previewed (no problems) or failed (problems, or the check
    could not finish); previewed -> accepted (confirmed, waiting for a worker) ->
    importing -> confirmed (imported) or failed. ``research.services.import_batches``
    moves it along.
    """

    class Shape(models.TextChoices):
        WIDE = "wide", _("Wide (one column per measure)")
        LONG = "long", _("Long (respondent, wave, measure, value)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        PREVIEWED = "previewed", _("Checked, waiting for your confirmation")
        ACCEPTED = "accepted", _("Waiting to be imported")
        IMPORTING = "importing", _("Being imported")
        CONFIRMED = "confirmed", _("Imported")
        FAILED = "failed", _("Not imported")

    # Waiting for a worker or being worked on: the status page keeps asking.
    PENDING = (Status.QUEUED, Status.CHECKING, Status.ACCEPTED, Status.IMPORTING)

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Who confirmed the import: the worker writes the values in their name (access log).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300, blank=True)
    shape = models.CharField(_("shape"), max_length=10, choices=Shape.choices, blank=True)
    wave = models.ForeignKey(
        Wave,
        verbose_name=_("wave"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The wave chosen on the form; empty if the file has a wave column."),
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    values_created = models.PositiveIntegerField(_("values added"), default=0)
    values_updated = models.PositiveIntegerField(_("values replaced"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    values_unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    # Up to research.importing.writing.SAMPLE_CHANGES replaced values, for the preview.
    sample_changes = models.JSONField(_("sample of replaced values"), default=list, blank=True)
    # The preview: the waves the values go into and the first values as read.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    sheet = models.CharField(
        _("sheet"), max_length=100, blank=True, help_text=_("Empty: the first sheet.")
    )
    # [line, column, message] of the first problems found (all of them counted in the total).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problems_total = models.PositiveIntegerField(_("number of problems"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent to a worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.original_filename or f"#{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING


class ObservationQuerySet(models.QuerySet):
    def for_unit(self, unit):
        return self.filter(unit=unit)


class Observation(models.Model):
    """One value: a respondent's answer on a measure in a wave.

    Numbers (numeric, likert, yes/no as 1/0) go in ``value_numeric``; text
    measures in ``value_text``. A missing value is simply not stored.
    """

    # No index of their own on unit and measure: every index below starts with the unit,
    # and the unique constraint starts with the measure (each extra index slowed imports).
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="observations",
        db_index=False,
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="observations",
        db_index=False,
    )
    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="observations"
    )
    respondent = models.CharField(_("respondent"), max_length=64)
    value_numeric = models.FloatField(_("value"), null=True, blank=True)
    value_text = models.TextField(_("text value"), blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "wave", "respondent"], name="observation_unique_value"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "wave"], name="observation_unit_wave"),
            models.Index(fields=["unit", "measure", "wave"], name="observation_unit_measure"),
            models.Index(fields=["unit", "respondent"], name="observation_unit_respondent"),
        ]

    def __str__(self):
        return f"{self.respondent} {self.measure_id}/{self.wave_id}"

    @property
    def value(self):
        return self.value_text if self.value_numeric is None else self.value_numeric


class DataVersion(models.Model):
    """Which version of a unit's research data is stored: a new random token whenever
    values are written or deleted (``research.services.data_version_bump``, called by
    the services that do it: an import confirmed, a measure deleted).

    The statistics are cached under it (with the codebook and the waves), so a view
    reads one row instead of counting all of a unit's values; random rather than a
    counter, so that a database set up anew never meets the cache of an old one.
    """

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="research_data_version",
    )
    token = models.UUIDField(_("version"), default=uuid.uuid4)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.token}"


class ObservationChange(models.Model):
    """A value replaced by an import: the old value stays here.

    Written by ``research.services.observations.observations_import`` in bulk (one row per
    replaced value whose value actually changed); cheaper than a full history
    table on 100,000-row imports.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    observation = models.ForeignKey(
        Observation,
        verbose_name=_("observation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )
    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="+"
    )
    respondent = models.CharField(_("respondent"), max_length=64)
    old_numeric = models.FloatField(_("old value"), null=True, blank=True)
    old_text = models.TextField(_("old text value"), blank=True)
    new_numeric = models.FloatField(_("new value"), null=True, blank=True)
    new_text = models.TextField(_("new text value"), blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("change of a value")
        verbose_name_plural = _("changes of values")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "respondent"], name="obschange_unit_respondent"),
        ]

    def __str__(self):
        return f"{self.respondent} {self.measure_id}/{self.wave_id}"
