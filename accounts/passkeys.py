"""Passkeys (WebAuthn) as a second factor: the two ceremonies, checked by py_webauthn.

Registering (Security page) and using one (the login's second step) both go the same
way: the browser asks for options (a POST, as it stores a fresh challenge in the
session), ``static/js/passkeys.js`` hands them to the authenticator, and the form is
posted with the authenticator's answer. The answer is only accepted for the challenge
of this session (used once, and for a few minutes), for this site (relying party id
and origin from settings, or the request in development) and, when logging in, for
a passkey of the person logging in whose signature counter went up.

Why py_webauthn and a small model of our own (accounts.WebAuthnCredential) rather than
django-otp-webauthn: that package brings its own views, URLs and bundled JavaScript
(its own strings, its own passwordless login) and asks ``user.is_verified()``, which
needs django-otp's OTPMiddleware. Here the second factor is settled once at login and
kept in the session (accounts/second_factor.py, no query per request); our pages, our
translations and the permission matrix stay in one place.
"""

import json
import time

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.parse_authentication_credential_json import (
    parse_authentication_credential_json,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import WebAuthnCredential

CHALLENGE_KEY = "passkey_challenge"
REGISTER = "register"
AUTHENTICATE = "authenticate"
CHALLENGE_SECONDS = 5 * 60
TIMEOUT_MS = CHALLENGE_SECONDS * 1000
RP_NAME = "BPU"


class PasskeyRefused(Exception):
    """The answer of the authenticator is not accepted; ``str()`` says why, to the person."""


def relying_party(request) -> tuple[str, str]:
    """(relying party id, origin): from settings (required with DEBUG off, bpu/settings.py),
    or in development from the request."""
    rp_id = settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]
    origin = settings.WEBAUTHN_ORIGIN or f"{request.scheme}://{request.get_host()}"
    return rp_id, origin


def user_handle(user) -> bytes:
    """The account's id given to the authenticator: stable, but neither a number nor an
    address (the specification asks that it name nobody)."""
    return salted_hmac("accounts.passkeys.user_handle", str(user.pk), algorithm="sha256").digest()


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(credential_id),
            transports=[AuthenticatorTransport(t) for t in transports if _known_transport(t)],
        )
        for credential_id, transports in WebAuthnCredential.objects.filter(user=user).values_list(
            "credential_id", "transports"
        )
    ]


def _known_transport(value) -> bool:
    return value in {t.value for t in AuthenticatorTransport}


def _remember_challenge(request, purpose: str, challenge: bytes) -> None:
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": time.time(),
    }


def _take_challenge(request, purpose: str) -> bytes:
    """The challenge this session was given for ``purpose``; it can be used only once."""
    stored = request.session.pop(CHALLENGE_KEY, None)
    if (
        not isinstance(stored, dict)
        or stored.get("purpose") != purpose
        or time.time() - stored.get("at", 0) > CHALLENGE_SECONDS
    ):
        raise PasskeyRefused(_("This took too long or the page was opened twice. Try again."))
    return base64url_to_bytes(stored["challenge"])


def registration_options(request, user) -> str:
    """Options (JSON) for making a passkey for ``user`` on this site."""
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=user_handle(user),
        user_name=user.email,
        user_display_name=user.get_full_name(),
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        # The same authenticator twice would be one factor with two names.
        exclude_credentials=_descriptors(user),
    )
    _remember_challenge(request, REGISTER, options.challenge)
    return options_to_json(options)


def authentication_options(request, user) -> str:
    """Options (JSON) for signing in with one of ``user``'s passkeys."""
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember_challenge(request, AUTHENTICATE, options.challenge)
    return options_to_json(options)


def _parsed(answer: str) -> dict:
    try:
        data = json.loads(answer or "")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise PasskeyRefused(_("Your browser sent no answer from a passkey. Try again."))
    return data


def verified_registration(request, user, answer: str) -> dict:
    """The new passkey's fields, checked; raises PasskeyRefused with the reason."""
    challenge = _take_challenge(request, REGISTER)
    data = _parsed(answer)
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except WebAuthnException as exc:
        raise PasskeyRefused(
            _("Your passkey could not be checked. Try again, or use another passkey.")
        ) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if WebAuthnCredential.objects.filter(credential_id=credential_id).exists():
        raise PasskeyRefused(_("This passkey has already been added."))
    transports = (data.get("response") or {}).get("transports") or []
    return {
        "credential_id": credential_id,
        "public_key": bytes_to_base64url(verified.credential_public_key),
        "sign_count": verified.sign_count,
        "transports": [t for t in transports if _known_transport(t)],
    }


def verified_authentication(request, user, answer: str) -> tuple[WebAuthnCredential, int]:
    """The person's passkey that signed this session's challenge, and its new counter.

    Call inside a transaction: the passkey is locked until its counter is saved, so the
    same answer cannot be accepted twice.
    """
    challenge = _take_challenge(request, AUTHENTICATE)
    data = _parsed(answer)
    try:
        parsed = parse_authentication_credential_json(data)
    except WebAuthnException as exc:
        raise PasskeyRefused(_("Your browser sent no answer from a passkey. Try again.")) from exc
    credential = (
        WebAuthnCredential.objects.select_for_update()
        .filter(user=user, credential_id=bytes_to_base64url(parsed.raw_id))
        .first()
    )
    if credential is None:
        raise PasskeyRefused(
            _("This passkey is not one of yours. Use a passkey you added on your security page.")
        )
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=base64url_to_bytes(credential.public_key),
            credential_current_sign_count=credential.sign_count,
        )
    except WebAuthnException as exc:
        raise PasskeyRefused(
            _("Your passkey could not be checked. Try again, or use your app or a recovery code.")
        ) from exc
    return credential, verified.new_sign_count
