"""What the AVG and NEN 7513 ask of a unit: its members' consent (versioned texts and
every answer given) and the append-only log of who looked at whose data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import Membership, Role, Unit


class ConsentText(models.Model):
    """One version of what a unit asks its members' consent for. Never changed once
    published: a new version is a new row, and asks every member again."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="consent_texts"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    text_nl = models.TextField(_("text in Dutch"))
    text_en = models.TextField(_("text in English"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["unit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "version"], name="consent_text_version_once"),
        ]

    def __str__(self):
        return f"{self.unit} - v{self.version}"

    def text_in(self, language: str) -> str:
        """The text in ``language``; the other one if that one is empty."""
        if language == "en":
            return self.text_en or self.text_nl
        return self.text_nl or self.text_en


class ConsentRecordQuerySet(models.QuerySet):
    def latest_per_membership(self):
        """Each membership's most recent answer (one row per membership)."""
        newest = (
            self.model.objects.filter(membership=models.OuterRef("membership"))
            .order_by("-recorded_at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(newest))


class ConsentRecord(models.Model):
    """A member's answer to one version of the consent text: given, declined or
    withdrawn; when, and how it was given. Kept: a later answer is a new row."""

    class Decision(models.TextChoices):
        GIVEN = "given", _("Consent given")
        DECLINED = "declined", _("Consent declined")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    class Method(models.TextChoices):
        ONLINE = "online", _("Online, by the person")
        PAPER = "paper", _("On paper, recorded by the facilitator")

    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    # The person it is about (the membership's), so that "download my data" and an
    # erasure find it the way they find every other record of a person.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    decision = models.CharField(_("answer"), max_length=10, choices=Decision.choices)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    recorded_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["membership", "recorded_at"], name="consent_member_time")]

    def __str__(self):
        return f"{self.membership}: {self.get_decision_display()} (v{self.consent_text.version})"

    @property
    def leaves_out(self) -> bool:
        """Whether this answer keeps the person's data out of reports made from now on."""
        return self.decision != self.Decision.GIVEN


class AccessAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    EXPORTED = "exported", _("Exported")


class DataKind(models.TextChoices):
    """The kinds of a person's data whose every view and change is logged (NEN 7513)."""

    EXPERIMENT = "experiment", _("Practice experiment")
    ATTENDANCE = "attendance", _("Attendance")
    MOTIVATION = "motivation", _("Motivation and expectations")
    CONSENT = "consent", _("Consent")
    RESEARCH_DATA = "research_data", _("Research data")
    ACCESS_LOG = "access_log", _("Access log")
    # A report (PDF) downloaded: the unit's data as a whole, nobody's individually
    # (reports never name clients or family carers; docs/privacy.md).
    REPORT = "report", _("Report")


# Kinds whose entries may name nobody: what was accessed is the row (object_id).
UNNAMED_KINDS = frozenset({DataKind.REPORT})


# The role someone acted in: their role in the unit, or administrator (whose
# access comes from the account, not from a membership).
ADMINISTRATOR = "administrator"
ACCESS_ROLES = [*Role.choices, (ADMINISTRATOR, _("Administrator"))]


class AccessLogQuerySet(models.QuerySet):
    def about(self, person):
        """What others did with ``person``'s data, newest first."""
        return (
            self.filter(person=person)
            .exclude(user=person)
            .select_related("user", "unit")
            .order_by("-at", "-pk")
        )

    def older_than(self, cutoff):
        return self.filter(at__lt=cutoff)


class AccessLog(models.Model):
    """One view or change of a person's data: who, when, in which role, whose, what.

    Append-only: the database refuses UPDATE and DELETE (triggers made by
    migration 0010, see units/access_log_guard.py); only the purge of entries
    older than ACCESS_LOG_RETENTION_YEARS may delete. Rows are written by
    ``UnitAccess.log`` (units/access.py), never by hand. The foreign keys protect:
    a person or unit named in the log is anonymised, not deleted.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="access_log_entries",
    )
    role = models.CharField(_("in the role of"), max_length=20, choices=ACCESS_ROLES)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose data"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log_about",
    )
    respondent = models.CharField(_("respondent code"), max_length=64, blank=True)
    kind = models.CharField(_("kind of data"), max_length=20, choices=DataKind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="accesslog_person_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | ~Q(respondent="")
                | Q(kind__in=sorted(UNNAMED_KINDS), object_id__isnull=False),
                name="accesslog_names_whose_data",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.kind}"
