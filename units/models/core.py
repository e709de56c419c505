import os
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..addresses import unit_url
from ..choices import Phase
from ..validators import single_line

# What the seeds call a workable group: 7-12 members.
GROUP_SIZE_MIN = 7
GROUP_SIZE_MAX = 12


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    PROFESSIONAL = "professional", _("Professional")
    RESEARCHER = "researcher", _("Researcher")
    STUDENT = "student", _("Student")
    SERVICE_USER = "service_user", _("Service user")
    FAMILY_CARER = "family_carer", _("Family carer")
    MANAGER = "manager", _("Manager / stakeholder")


# Clients and family carers are never named in a report; the other roles only
# when the unit allows it (Unit.names_in_reports).
ROLES_NEVER_NAMED_IN_REPORTS = frozenset({Role.SERVICE_USER, Role.FAMILY_CARER})


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True, validators=[single_line])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    """Several units in one field, so that their results can be compared."""

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("short name in web addresses"), max_length=80, unique=True)
    field = models.CharField(_("field"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Whoever started the programme may put units into it (see units.access).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


def default_retention_years():
    """Years after its planned end that a unit's personal data is kept (settings)."""
    return settings.PRIVACY_RETENTION_YEARS


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Units the person is a current member of; every unit for administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        # One current membership per person and unit (a constraint): one row per unit,
        # no DISTINCT needed; units_for_dashboard reads the role from this same join.
        return self.filter(memberships__user=user, memberships__left_on__isnull=True)


class Unit(models.Model):
    """A Best Practice Unit: a community of practice with research built in."""

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("short name in web addresses"), max_length=80, unique=True)
    theme = models.CharField(
        _("theme"), max_length=300, help_text=_("The improvement of practice the unit works on.")
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), blank=True, related_name="units"
    )
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    cadence_weeks = models.PositiveSmallIntegerField(
        _("meeting cadence (weeks)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Weeks between sessions."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder (days before a session)"),
        default=2,
        validators=[MaxValueValidator(14)],
        help_text=_("Members get an e-mail this many days before each session; 0 sends none."),
    )
    researchers_attend = models.BooleanField(
        _("count researchers' attendance"),
        default=False,
        help_text=_(
            "Researchers often come only when the research needs them; tick this if they "
            "take part in every session, so that missed sessions are flagged for them too."
        ),
    )
    names_in_reports = models.BooleanField(
        _("name professionals in reports"),
        default=False,
        help_text=_(
            'Reports name members by role ("Professional 2"). Tick this to print the names '
            "of facilitators, researchers, professionals, students and managers. Clients and "
            "family carers are never named in a report."
        ),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep personal data (years after the planned end)"),
        default=default_retention_years,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "After this many years the members' names, e-mail addresses and texts in this "
            "unit are removed; pseudonymous research data is kept."
        ),
    )
    # Set by units.services.retention: the warning to the facilitators, and the purge.
    retention_warned_at = models.DateTimeField(_("retention warning sent"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)
    # Changed only by phases.services (the one place phase transitions live).
    phase = models.PositiveSmallIntegerField(
        _("current phase"), choices=Phase.choices, default=Phase.AMBITION, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="unit_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return unit_url("units:detail", self.slug)

    @property
    def retention_ends_on(self):
        """The day the unit's personal data is due to be removed."""
        end = self.planned_end
        try:
            return end.replace(year=end.year + self.retention_years)
        except ValueError:  # 29 February
            return end.replace(year=end.year + self.retention_years, day=28)


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    """A person's role in one unit. Ended memberships are kept (left_on set)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    expectations = models.TextField(_("expectations"), blank=True)
    # The code under which the research data holds this member's answers (research
    # is pseudonymous); set by the researcher, so that consent reaches the data.
    respondent_code = models.CharField(
        _("respondent code"),
        max_length=64,
        blank=True,
        help_text=_("The code of this member in the research data, if they are a respondent."),
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_person_and_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} ({self.unit})"

    @property
    def is_current(self):
        return self.left_on is None


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An invitation by e-mail to join a unit in a role. Works once, until it expires."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    # The name the facilitator knows the person by (a list of invitations gives it):
    # shown on the members page and filled in on the sign-up form.
    full_name = models.CharField(_("name"), max_length=150, blank=True, validators=[single_line])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    # The e-mail goes out through the broker; until it has, beat sends it again.
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.unit})"

    @property
    def is_usable(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class Session(models.Model):
    """A meeting of the unit."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, help_text=_("The phase the unit was in.")
    )
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["unit", "starts_at"])]

    def __str__(self):
        return f"{self.unit} - {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return unit_url("units:session_detail", self.unit.slug, self.pk)

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


def _session_attachment_path(instance, filename):
    # A random name on disk: the original name is kept in the database only.
    ext = os.path.splitext(filename)[1].lower()
    return f"sessions/{instance.session.unit_id}/{uuid.uuid4().hex}{ext}"


class SessionAttachment(models.Model):
    """A file with a session's notes: a photo of a flip-over, a handout."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_session_attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("session attachment")
        verbose_name_plural = _("session attachments")
        ordering = ["session", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


@receiver(post_delete, sender=SessionAttachment)
def _delete_session_attachment_file(sender, instance, **kwargs):
    """A deleted attachment (or its deleted session or unit) takes its file along, once
    the delete commits."""
    storage, name = instance.file.storage, instance.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_person"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_status_display()}"


class CalendarFeed(models.Model):
    """A person's private iCalendar feed address. Revoking replaces the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class Rsvp(models.Model):
    """A member's answer before a session: coming, maybe, or not coming."""

    class Answer(models.TextChoices):
        YES = "yes", _("Coming")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("Not coming")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="rsvps",
    )
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("answer to a session")
        verbose_name_plural = _("answers to sessions")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_rsvp_per_person"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_answer_display()}"


class FacilitatorNote(models.Model):
    """The facilitator's own log: a note on the unit, or on one member (a conversation
    had, something to follow up). Seen by the unit's facilitators only (not by
    administrators on the site, not in the admin), and by the member it is about in
    the download of their own data."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="facilitator_notes"
    )
    # A person, not their membership: the note is part of what that person gets when
    # they download their data (accounts.personal_data follows every link to a person).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("about member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("facilitator's note")
        verbose_name_plural = _("facilitator's notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self):
        return self.text[:60]
