from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User, WebAuthnCredential


def user_update_profile(*, user: User, full_name: str, language: str) -> User:
    user.full_name = full_name
    user.language = language
    user.save(update_fields=["full_name", "language"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


@transaction.atomic
def user_create_from_sso(*, email: str, full_name: str, active: bool) -> User:
    """A person first seen through single sign-on. Without a password: they log in there.

    ``active`` is the approval rule's answer (bpu/settings.py, OIDC_ACTIVE_DOMAINS);
    an inactive person waits until an administrator approves them (users_approve).
    """
    user = User(email=email, full_name=full_name, is_active=active)
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def users_approve(*, users) -> int:
    """Lets people who signed in through single sign-on and wait for approval in."""
    return User.objects.filter(pk__in=[u.pk for u in users], is_active=False).update(is_active=True)


RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


@transaction.atomic
def totp_device_add(*, user: User, key: str, name: str, last_t: int):
    """An authenticator app whose first code was right (accounts.views.totp_add).

    ``last_t`` is the time step of that code, so that it cannot be used again to log in.
    The first app also brings recovery codes, for the day the phone is lost.
    """
    device = TOTPDevice.objects.create(user=user, key=key, name=name, confirmed=True, last_t=last_t)
    if not _recovery_device(user).token_set.exists():
        recovery_codes_regenerate(user=user)
    return device


def _daily_factor_count(user: User) -> int:
    """Authenticator apps and passkeys (locked: two removals at once cannot take both)."""
    apps = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
    passkeys = WebAuthnCredential.objects.select_for_update().filter(user=user)
    return len(apps) + len(passkeys)


@transaction.atomic
def totp_device_remove(*, device: TOTPDevice, keep_one: bool) -> bool:
    """Removes one of a person's authenticator apps.

    With ``keep_one`` (a second factor is required of them) the last app or passkey
    stays: returns False. Without any app or passkey left, the recovery codes go too.
    """
    user = device.user
    if keep_one and device.confirmed and _daily_factor_count(user) <= 1:
        return False
    device.delete()
    _recovery_codes_drop_if_alone(user)
    return True


@transaction.atomic
def passkey_add(
    *, user: User, name: str, credential_id: str, public_key: str, sign_count: int, transports
) -> WebAuthnCredential:
    """A passkey whose registration was checked (accounts.passkeys.verified_registration).

    Like the first app, the first passkey brings recovery codes, for the day it is lost.
    """
    passkey = WebAuthnCredential.objects.create(
        user=user,
        name=name,
        credential_id=credential_id,
        public_key=public_key,
        sign_count=sign_count,
        transports=list(transports),
    )
    if not _recovery_device(user).token_set.exists():
        recovery_codes_regenerate(user=user)
    return passkey


@transaction.atomic
def passkey_remove(*, passkey: WebAuthnCredential, keep_one: bool) -> bool:
    """Removes one of a person's passkeys; the rules of totp_device_remove."""
    user = passkey.user
    if keep_one and _daily_factor_count(user) <= 1:
        return False
    passkey.delete()
    _recovery_codes_drop_if_alone(user)
    return True


def passkey_record_use(*, passkey: WebAuthnCredential, sign_count: int) -> None:
    """A login with this passkey: its counter moves on, so that the answer cannot be
    replayed (call in the transaction that locked the passkey while checking it)."""
    passkey.sign_count = sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])


def _recovery_codes_drop_if_alone(user: User) -> None:
    """Recovery codes are a way back to an app or passkey: without either they go."""
    if not (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user).exists()
    ):
        StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for the person; the old ones stop working."""
    device = _recovery_device(user)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _recovery_device(user: User):
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    return device
