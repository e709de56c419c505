"""One settings module for every environment, driven by environment variables.

With no environment at all the app runs for development: DEBUG on, SQLite in
the project folder, tasks run in-process, mail to the console. Production sets
DEBUG=0 and then must set SECRET_KEY, WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN (and normally
DATABASE_URL, REDIS_URL).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "units",
    "phases",
    "research",
    "reports",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the view's transaction (ATOMIC_REQUESTS): a file stored in a transaction
    # that rolled back is deleted again.
    "bpu.stored_files.UncommittedFilesMiddleware",
    # Early, so that every page carries the policy, error pages (403/404/500/503) too.
    "csp.middleware.CSPMiddleware",
    # Django's, renewing an idle session's expiry at most once a minute (accounts/sessions.py).
    "accounts.sessions.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads POST); after the language is chosen.
    "bpu.request_size.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session, the user and messages: someone who still owes a second factor
    # (accounts/second_factor.py) sees only the page where they give or set it up.
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bpu.middleware.DatabaseUnavailableMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a lock-out answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bpu.urls"
WSGI_APPLICATION = "bpu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# Database: a SQLite file in the project unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule with a message our Dutch catalogue translates (see the module).
    {"NAME": "accounts.password_validation.MinimumLengthValidatorTranslated"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Single sign-on through the organisation's OpenID Connect provider (SURFconext,
# Microsoft Entra ID, ...): on when a client id is set, together with either the
# provider's discovery document or its four endpoints (accounts/oidc.py). The
# provider must send the e-mail address ("email" claim); people are matched by it.
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# e.g. https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration
OIDC_OP_DISCOVERY_URL = env.str("OIDC_DISCOVERY_URL", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# The button reads "Log in with <OIDC_PROVIDER_NAME>", e.g. "Zorggroep Noord".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
# The approval rule: someone unknown from one of these domains is created active;
# anyone else is created inactive and waits for an administrator (admin: Approve).
OIDC_ACTIVE_DOMAINS = [d.strip().lower() for d in env.list("OIDC_ACTIVE_DOMAINS", default=[])]
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
_oidc_endpoints = [
    OIDC_OP_AUTHORIZATION_ENDPOINT,
    OIDC_OP_TOKEN_ENDPOINT,
    OIDC_OP_USER_ENDPOINT,
    OIDC_OP_JWKS_ENDPOINT,
]
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED and not (OIDC_OP_DISCOVERY_URL or all(_oidc_endpoints)):
    raise ImproperlyConfigured(
        "OIDC_CLIENT_ID is set but the provider is not: set OIDC_DISCOVERY_URL (the "
        "provider's .well-known/openid-configuration address), or all four of "
        "OIDC_AUTHORIZATION_ENDPOINT, OIDC_TOKEN_ENDPOINT, OIDC_USERINFO_ENDPOINT and "
        "OIDC_JWKS_ENDPOINT."
    )
if OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured(
        "OIDC_CLIENT_ID is set without OIDC_CLIENT_SECRET: set the secret the provider "
        "gave for this application."
    )
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OIDCBackend")

# Two-factor authentication (django-otp): with SECOND_FACTOR_REQUIRED, administrators
# and researchers must add an authenticator app before they can do anything else.
SECOND_FACTOR_REQUIRED = env.bool("SECOND_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="BPU")
# Passkeys (WebAuthn, accounts/passkeys.py). The relying party id is the site's host name
# (bpu.example.org), the origin its address (https://bpu.example.org); a passkey only
# works on the site it was made for. Empty in development: taken from the request. In
# production they must be set: a Host header is the client's to choose, and passkeys made
# under a name that changes with it would stop working.
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="")
WEBAUTHN_ORIGIN = env.str("WEBAUTHN_ORIGIN", default="").rstrip("/")
if not DEBUG:
    _PASSKEY_SITE = (
        "Passkeys need the site's own name: set WEBAUTHN_RP_ID to its host name and "
        "WEBAUTHN_ORIGIN to its address, for example WEBAUTHN_RP_ID=bpu.example.org and "
        "WEBAUTHN_ORIGIN=https://bpu.example.org."
    )
    if not WEBAUTHN_RP_ID:
        raise ImproperlyConfigured(f"WEBAUTHN_RP_ID is not set. {_PASSKEY_SITE}")
    if not WEBAUTHN_ORIGIN:
        raise ImproperlyConfigured(f"WEBAUTHN_ORIGIN is not set. {_PASSKEY_SITE}")
    # The browser refuses an origin whose host is not the relying party id or under it.
    _origin_host = urlsplit(WEBAUTHN_ORIGIN).hostname or ""
    if _origin_host != WEBAUTHN_RP_ID and not _origin_host.endswith("." + WEBAUTHN_RP_ID):
        raise ImproperlyConfigured(
            f"WEBAUTHN_ORIGIN ({WEBAUTHN_ORIGIN}) is not an address of WEBAUTHN_RP_ID "
            f"({WEBAUTHN_RP_ID}). {_PASSKEY_SITE}"
        )

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "units:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Repeated failed logins lock the e-mail address + IP pair out for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Counted per stored spelling of the address: a change of case is the same account.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address, through django-ipware. Each of the PROXY_COUNT reverse
# proxies in front appends the address it saw to X-Forwarded-For, so the client
# is the PROXY_COUNT-th entry from the right; entries further left come from the
# client and may be forged. ipware counts the proxies listed in the header, i.e.
# all but the one that connects to us, and must not give up on a longer header.
# Without proxies the header is ignored: anyone can send it.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"PROXY_COUNT is {PROXY_COUNT}; set it to the number of reverse proxies in front "
        "of the app (0 when clients connect directly)."
    )
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = None

# Sessions expire after 8 hours without a visit. The expiry (row and cookie) moves
# forward on a visit when it is a minute or more old: not a write on every request.
# A session thus ends between 7:59 and 8:00 hours after the last visit (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_RENEW_AFTER_SECONDS = env.int("SESSION_RENEW_AFTER_SECONDS", default=60)
if not 0 <= SESSION_RENEW_AFTER_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        f"SESSION_RENEW_AFTER_SECONDS is {SESSION_RENEW_AFTER_SECONDS}; set it to 0 (renew on "
        f"every visit) or more, and below SESSION_COOKIE_AGE ({SESSION_COOKIE_AGE})."
    )
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Internationalisation: Dutch is what most users speak; English is the source language.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own style (bpu/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["bpu.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Static and uploaded files. Uploads are never served directly: views that check
# access stream them (phases/views/products.py, reports/views.py, research imports).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# The largest request body: one upload plus the rest of its form. Larger bodies
# are refused before they are read (bpu.request_size); keep the proxy's limit
# (nginx client_max_body_size) at this size too.
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
# An .xlsx is a zip: what its parts may unpack to together, checked before parsing.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: printed to the console in development.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="bpu@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The privacy and accessibility statements (/privacy/, /accessibility/): what the
# deploying organisation fills in; until it does, the pages show a placeholder.
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="")
PRIVACY_CONTACT = env.str("PRIVACY_CONTACT", default="")
PRIVACY_RETENTION = env.str("PRIVACY_RETENTION", default="")
# A new unit keeps its members' personal data this many years after its planned end
# (each unit can change it); the facilitators are warned this many weeks before.
PRIVACY_RETENTION_YEARS = env.int("PRIVACY_RETENTION_YEARS", default=2)
PRIVACY_RETENTION_WARNING_WEEKS = env.int("PRIVACY_RETENTION_WARNING_WEEKS", default=6)
# The research exemption (AVG art. 89, UAVG art. 44): when true, an erasure or purge
# keeps the passages researchers quoted from a person's texts (pseudonymous, in the
# research app); when false they are replaced like the texts themselves.
PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES = env.bool(
    "PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES", default=False
)
# The access log (NEN 7513, units.AccessLog) is kept this many years, then purged
# daily. The database never lets an entry of the last year go, so at least 1.
ACCESS_LOG_RETENTION_YEARS = env.int("ACCESS_LOG_RETENTION_YEARS", default=5)
if ACCESS_LOG_RETENTION_YEARS < 1:
    raise ImproperlyConfigured(
        f"ACCESS_LOG_RETENTION_YEARS is {ACCESS_LOG_RETENTION_YEARS}; set it to 1 or more "
        "(the database never lets an access log entry of the last year go)."
    )

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: nothing from other hosts, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Cache (statistics results, among others): shared between processes through Redis
# when CACHE_URL is set, per process otherwise.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            # A miss, not an error page, while Redis is unreachable (bpu/cache.py).
            "BACKEND": "bpu.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": 60 * 60,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Background work. Without a broker, tasks run in-process (eagerly) so that a
# newcomer needs nothing but Python. In production that would render reports and
# check imports inside the web process, so it must be asked for by name
# (TASKS_IN_PROCESS=1, e.g. for a build step such as collectstatic).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default=""))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER and not DEBUG and not env.bool("TASKS_IN_PROCESS", default=False):
    raise ImproperlyConfigured(
        "No broker is configured: set CELERY_BROKER_URL (or REDIS_URL), for example "
        "redis://redis:6379/0, and run a Celery worker. Without one, reports and imports "
        "would run inside the web process. Set TASKS_IN_PROCESS=1 only for a one-off "
        "command that starts no tasks (collectstatic, check)."
    )
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
# A job gets the soft limit to give up cleanly (a report is marked failed), then
# the hard limit stops it. Celery refuses to send a job whose soft limit is not
# below its hard limit, so such a pair must stop the start, not every report.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
if CELERY_TASK_TIME_LIMIT < 2:
    raise ImproperlyConfigured(
        f"CELERY_TASK_TIME_LIMIT must be at least 2 seconds, not {CELERY_TASK_TIME_LIMIT}."
    )
# Unset, the soft limit comes a fifth of the hard limit earlier (300 -> 240).
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "CELERY_TASK_SOFT_TIME_LIMIT",
    default=CELERY_TASK_TIME_LIMIT - max(1, CELERY_TASK_TIME_LIMIT // 5),
)
if CELERY_TASK_SOFT_TIME_LIMIT <= 0:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT must be a positive number of seconds, "
        f"not {CELERY_TASK_SOFT_TIME_LIMIT}."
    )
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_TASK_SOFT_TIME_LIMIT ({CELERY_TASK_SOFT_TIME_LIMIT} s) must be below "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT} s): the soft limit lets a job "
        "give up cleanly before the hard limit stops it."
    )
# Long jobs must not be lost: acknowledge after the work is done, hand a task
# back to the queue when its worker dies, take one task at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers unacknowledged tasks after the visibility timeout; it must
# be longer than the longest task or a slow task would run twice. A worker killed
# as a whole is not waited for that long: its render's heartbeat stops, and the
# resend run (every minute) sends the report again (REPORTS_STALE_AFTER_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 4}
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_KB", default=400_000)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Session reminders: each session is claimed once, so overlapping runs are harmless.
    "units-session-reminders": {"task": "units.send_session_reminders", "schedule": 15 * 60},
    # Invitation e-mails the broker did not take when they were made.
    "units-waiting-invitations": {
        "task": "units.send_waiting_invitation_emails",
        "schedule": 5 * 60,
    },
    # Report requests the broker never got, and renders whose worker died (one
    # indexed query a minute; it bounds how long a dead render waits, see below).
    "reports-resend-stale": {"task": "reports.resend_stale_reports", "schedule": 60},
    # Data imports the broker never got, and checks or imports whose worker died.
    "research-resend-stale-imports": {
        "task": "research.resend_stale_imports",
        "schedule": 5 * 60,
    },
    # Notification e-mails that are due: the daily and weekly digests (07:00), and
    # "at once" e-mails the broker did not take. Rows are claimed, so runs may overlap.
    "notifications-send-due": {"task": "notifications.send_due", "schedule": 5 * 60},
    # Action steps due soon or overdue; each is told once per due date.
    "notifications-steps-due": {"task": "notifications.steps_due", "schedule": 60 * 60},
    # Retention: warn the facilitators of units nearing their retention end, and
    # remove the personal data of units past it. Each unit is warned and purged once.
    "units-retention": {"task": "units.apply_retention", "schedule": 24 * 60 * 60},
    # Told once per ISO week (deduplicated), e-mailed with each person's weekly digest.
    "notifications-monitor-weekly": {
        "task": "notifications.monitor_weekly",
        "schedule": 6 * 60 * 60,
    },
    # Access log entries past ACCESS_LOG_RETENTION_YEARS; the only deletion the log allows.
    "units-purge-access-log": {"task": "units.purge_access_log", "schedule": 24 * 60 * 60},
}

# Reports: a queued request is re-sent after this many minutes; a render gives
# up as failed after this many attempts.
REPORTS_RESEND_AFTER_MINUTES = env.int("REPORTS_RESEND_AFTER_MINUTES", default=10)
# A live render touches its heartbeat every REPORTS_HEARTBEAT_SECONDS; one silent
# for REPORTS_STALE_AFTER_SECONDS is taken for dead (worker killed, database gone)
# and sent again by the next resend run: at most stale + 60 s (docs/reliability.md).
REPORTS_HEARTBEAT_SECONDS = env.float("REPORTS_HEARTBEAT_SECONDS", default=15.0)
REPORTS_STALE_AFTER_SECONDS = env.int("REPORTS_STALE_AFTER_SECONDS", default=120)
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=3)

# /healthz/details (database, broker) answers requests carrying this token as
# "Authorization: Bearer <token>", and administrators; /healthz names nothing.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 20:
    raise ImproperlyConfigured(
        "HEALTHZ_TOKEN is too short to keep the health details private: use at least 20 "
        "random characters, or leave it empty to show them to administrators only."
    )

# Security: strict in production, relaxed for plain-HTTP development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/details$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {"()": "bpu.log_filters.ClientErrorsWithoutTraceback"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Only our handler: Django's defaults would print requests a second time
        # (with DEBUG) and mail errors to ADMINS (none are set).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
