"""Two-factor authentication (django-otp): who must have a second factor, and the login's step.

After the password (or single sign-on) Django logs the person in; ``mark_login``
then writes in the session what is still owed, and ``SecondFactorMiddleware``
(accounts/middleware.py) lets them do nothing else until it is done:

- ``verify``: they have an authenticator app, a passkey or recovery codes, so they give
  a code or use their passkey (accounts/passkeys.py);
- ``setup``: a rule says they need a second factor and they have none yet, so they
  add one first.

This is decided once, at login, so that ordinary pages cost no extra query.

Who needs a second factor (when SECOND_FACTOR_REQUIRED is on) is asked of the rules
registered here: accounts knows administrators; units registers researchers
(units/apps.py), as accounts may not import units (docs/architecture.md).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import WebAuthnCredential

SESSION_KEY = "second_factor_owed"
VERIFY = "verify"
SETUP = "setup"


@dataclass(frozen=True)
class SecondFactorRule:
    """``applies(user) -> bool``: this person must have a second factor (one query at most)."""

    key: str
    applies: Callable


_RULES: dict[str, SecondFactorRule] = {}


def register_second_factor_rule(*, key: str, applies: Callable) -> SecondFactorRule:
    _RULES[key] = SecondFactorRule(key=key, applies=applies)
    return _RULES[key]


def is_administrator(user) -> bool:
    return user.is_staff or user.is_superuser


register_second_factor_rule(key="administrator", applies=is_administrator)


def second_factor_required(user) -> bool:
    """Whether a setting and a rule say this person must use a second factor."""
    if not settings.SECOND_FACTOR_REQUIRED:
        return False
    return any(rule.applies(user) for rule in _RULES.values())


def has_authenticator(user) -> bool:
    """An authenticator app or a passkey (recovery codes alone are no way in for every day)."""
    return (
        TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user).exists()
    )


def owed_at_login(user) -> str | None:
    if user_has_device(user):
        return VERIFY
    if second_factor_required(user):
        return SETUP
    return None


def mark_login(sender, request, user, **kwargs):
    """What the person still owes after their password (or single sign-on)."""
    owed = owed_at_login(user)
    if owed:
        request.session[SESSION_KEY] = owed
    else:
        request.session.pop(SESSION_KEY, None)


def settle(request) -> None:
    """The second factor is given (or set up): the person may go on."""
    request.session.pop(SESSION_KEY, None)


def owed(request) -> str | None:
    return request.session.get(SESSION_KEY)


def _devices_for(user, code: str, *, for_verify=False):
    """The devices a code is meant for: 6 digits are an app's code, anything else a
    recovery code. Trying one kind only keeps a recovery code from counting as a
    wrong app code (which would slow the app down, see wait_seconds)."""
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    devices = model.objects.devices_for_user(user, confirmed=True)
    return devices.select_for_update() if for_verify else devices


def _normalised(code: str) -> str:
    return "".join((code or "").split())


def wait_seconds(user, code: str) -> int:
    """How long the person must wait before this kind of code is tried (0: now).

    Each wrong code doubles the wait of the device (django-otp's throttling), which
    also refuses a right code until then: the person must be told so.
    """
    now = timezone.now()
    longest = 0
    for device in _devices_for(user, _normalised(code)):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            longest = max(longest, math.ceil((data["locked_until"] - now).total_seconds()))
    return longest


def device_matching(user, code: str):
    """The device that accepts ``code`` (a recovery code is used up), or None."""
    code = _normalised(code)
    if not code:
        return None
    with transaction.atomic():
        for device in _devices_for(user, code, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def connect_signals():
    user_logged_in.connect(mark_login, dispatch_uid="accounts.second_factor.mark_login")
