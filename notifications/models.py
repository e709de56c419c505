"""What happened that a person may want to hear about, and how they want to hear it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; a person chooses per kind how to get its e-mail."""

    RESPONSE = "response", _("Responses to my experiments and to discussions I took part in")
    STEP_ASSIGNED = "step_assigned", _("Action steps given to me")
    STEP_DUE = "step_due", _("My action steps that are due soon or overdue")
    SESSION = "session", _("Sessions planned, moved or cancelled")
    REPORT = "report", _("Reports I asked for")
    INVITATION = "invitation", _("Invitations I sent that were accepted")
    PHASE = "phase", _("A unit moving to another phase")
    MONITOR = "monitor", _("What needs attention in the units I facilitate (learning monitor)")
    RETENTION = "retention", _("Personal data of a unit I facilitate to be removed soon")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("At once")
    DAILY = "daily", _("In one e-mail a day")
    WEEKLY = "weekly", _("In one e-mail a week")
    NEVER = "never", _("No e-mail")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing that happened, for one person. Its text is written when it is shown,
    in the language of whoever reads it, from ``event`` and ``data``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    event = models.CharField(_("event"), max_length=40)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.CharField(_("link"), max_length=300)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # The same thing is never told twice (a retried task, a report failing again).
    dedupe_key = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When its e-mail goes out (with whatever else is due for the person then);
    # empty: no e-mail. The row is claimed (emailed_at set) before the e-mail is sent.
    email_due_at = models.DateTimeField(_("e-mail due"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_claim = models.CharField(max_length=32, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["email_due_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_email_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="one_notification_per_dedupe_key",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.event}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants the e-mail of one kind; without a row, the default for them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(_("e-mail"), max_length=12, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.frequency}"
