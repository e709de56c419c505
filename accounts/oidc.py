"""Single sign-on through the organisation's OpenID Connect provider (mozilla-django-oidc).

Configured by environment variables only (bpu/settings.py, OIDC_*): either the
provider's discovery document (OIDC_DISCOVERY_URL) or its four endpoints. The
discovery document is fetched when someone first signs in, not at start-up, so a
provider that is down never stops the application; it is then kept in the cache.

People are matched by e-mail address (stored in lower case). Someone unknown is
created by the approval rule: an address in one of OIDC_ACTIVE_DOMAINS is created
active; anyone else is created inactive, waiting for an administrator.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import email_normalise
from .services import user_create_from_sso

logger = logging.getLogger(__name__)

# Setting name -> key in the provider's discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_CACHE_KEY = "accounts:oidc-discovery"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched or lacks an endpoint."""


def oidc_enabled() -> bool:
    return settings.OIDC_ENABLED


def provider_endpoint(name: str) -> str:
    """An endpoint of the provider: from its own setting, else from the discovery document."""
    configured = getattr(settings, name, "")
    if configured:
        return configured
    document = cache.get(_CACHE_KEY)
    if document is None:
        try:
            response = requests.get(settings.OIDC_OP_DISCOVERY_URL, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            logger.warning("OIDC discovery at %s failed: %s", settings.OIDC_OP_DISCOVERY_URL, exc)
            raise ProviderUnavailable(str(exc)) from exc
        cache.set(_CACHE_KEY, document, 60 * 60)
    value = document.get(_DISCOVERED[name])
    if not value:
        raise ProviderUnavailable(f"the discovery document has no {_DISCOVERED[name]}")
    return value


class OIDCBackend(OIDCAuthenticationBackend):
    """Finds or creates the person by e-mail address; endpoints are looked up when used.

    Django builds a backend on every request of a person who signed in with it, so
    nothing here may reach the provider in ``__init__``.
    """

    def __init__(self, *args, **kwargs):
        ModelBackend.__init__(self, *args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (the library's attribute name)
        return provider_endpoint("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider_endpoint("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider_endpoint("OIDC_OP_JWKS_ENDPOINT")

    def retrieve_matching_jwk(self, token):
        """The provider's key for this token: by key id, or its only key when ids are left
        out (allowed when a provider has one key, RFC 7515 section 4.1.4)."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if "kid" in header:
            keys = [key for key in keys if key.get("kid", header["kid"]) == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key of the provider matches the token.")
        return jwt.PyJWK(keys[0])

    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or request is None or "code" not in request.GET:
            return None  # a password login, or single sign-on is not set up
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        # A provider may say the address is unverified; such an address proves nothing.
        has_address = bool(email_normalise(claims.get("email")))
        return has_address and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email=email_normalise(claims.get("email")))

    def create_user(self, claims):
        email = email_normalise(claims.get("email"))
        domain = email.rpartition("@")[2]
        return user_create_from_sso(
            email=email,
            full_name=(claims.get("name") or "").strip()[:150],
            active=domain in settings.OIDC_ACTIVE_DOMAINS,
        )


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; tells the person when the provider is down."""

    def __init__(self, *args, **kwargs):
        if not oidc_enabled():
            raise ImproperlyConfigured("Single sign-on is not configured.")
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable:
            messages.error(request, provider_unavailable_message())
            return redirect("accounts:login")
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: logs in, or says why not."""

    def get(self, request):
        try:
            return super().get(request)
        except (ProviderUnavailable, requests.RequestException):
            messages.error(request, provider_unavailable_message())
            return redirect("accounts:login")

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return redirect("accounts:awaiting_approval")
        messages.error(
            self.request,
            _(
                "Logging in with %(provider)s did not work. Try again, or log in with your "
                "e-mail address and password."
            )
            % {"provider": provider_name()},
        )
        return redirect("accounts:login")


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or _("your organisation")


def provider_unavailable_message() -> str:
    return _(
        "%(provider)s cannot be reached at the moment. Try again later, or log in with your "
        "e-mail address and password."
    ) % {"provider": provider_name()}
