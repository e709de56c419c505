"""Single sign-on is set by environment variables; half a configuration refuses to start."""

from tests.test_settings_startup import _error, _start

CLIENT = {"OIDC_CLIENT_ID": "bpu", "OIDC_CLIENT_SECRET": "s3cret"}
DISCOVERY = {"OIDC_DISCOVERY_URL": "https://login.example.org/.well-known/openid-configuration"}


def test_without_a_client_id_single_sign_on_is_off():
    returncode, values, stderr = _start({}, "OIDC_ENABLED", "AUTHENTICATION_BACKENDS")
    assert returncode == 0, stderr
    assert values == {
        "OIDC_ENABLED": False,
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
    }


def test_a_client_id_and_the_discovery_address_turn_it_on_after_the_local_login():
    env = {**CLIENT, **DISCOVERY, "OIDC_ACTIVE_DOMAINS": "Zorggroep.nl, wijkteam.nl"}
    returncode, values, stderr = _start(
        env, "OIDC_ENABLED", "AUTHENTICATION_BACKENDS", "OIDC_ACTIVE_DOMAINS"
    )
    assert returncode == 0, stderr
    assert values == {
        "OIDC_ENABLED": True,
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
            "accounts.oidc.OIDCBackend",
        ],
        "OIDC_ACTIVE_DOMAINS": ["zorggroep.nl", "wijkteam.nl"],
    }


def test_a_client_id_without_a_provider_stops_the_start():
    returncode, _values, stderr = _start(
        {**CLIENT, "OIDC_TOKEN_ENDPOINT": "https://login.example.org/token"}, "OIDC_ENABLED"
    )
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: OIDC_CLIENT_ID is set but the provider is "
        "not: set OIDC_DISCOVERY_URL (the provider's .well-known/openid-configuration address), "
        "or all four of OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT "
        "and OIDC_JWKS_ENDPOINT."
    )


def test_a_client_id_without_its_secret_stops_the_start():
    returncode, _values, stderr = _start({"OIDC_CLIENT_ID": "bpu", **DISCOVERY}, "OIDC_ENABLED")
    assert returncode == 1
    assert _error(stderr) == (
        "django.core.exceptions.ImproperlyConfigured: OIDC_CLIENT_ID is set without "
        "OIDC_CLIENT_SECRET: set the secret the provider gave for this application."
    )
