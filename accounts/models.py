from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin


def email_normalise(email: str) -> str:
    """The one spelling of an address that is stored, looked up and counted for lock-outs."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=email_normalise(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # E-mail addresses are compared without regard to case.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; what they may see is decided per unit."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the application speaks to you in."),
    )
    is_staff = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_("Administrators can use the admin site and see every unit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            # Addresses are stored in lower case (save()); this keeps it that way
            # for writes that bypass save(), such as QuerySet.update().
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_lower_unique",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = email_normalise(self.email)

    def save(self, *args, **kwargs):
        self.email = email_normalise(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split() or [self.email])[0]


class ErasureRequest(models.Model):
    """A person's request that their personal data be removed (AVG art. 17).

    Asked on the profile page; carried out by an administrator (the admin action or
    ``manage.py erase_person``) through ``accounts.erasure.user_erase``. The row is
    kept as proof that the request was handled; it then names nobody.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an administrator")
        DONE = "done", _("Carried out")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasure_requests",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    reason = models.TextField(_("reason (optional)"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="open"),
                name="one_open_erasure_request_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"


class WebAuthnCredential(TimestampMixin, Device):
    """A passkey (WebAuthn) a person uses as their second factor.

    Holds what the server needs to check a signature: the credential's id and public
    key (both base64url text, so that "download my data" can export them) and the
    authenticator's signature counter, which must go up (a copied key would not).
    No biometrics: a fingerprint or face stays on the person's device.
    As a django-otp ``Device``, having one makes the login ask for the second step
    (``django_otp.user_has_device``).
    """

    credential_id = models.CharField(_("credential id"), max_length=1400, unique=True)
    public_key = models.CharField(_("public key"), max_length=2048)
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["pk"]

    def __str__(self):
        return self.name
