"""Convenor's one settings module, configured by environment variables.

Safe defaults: DEBUG off, secure cookies on, SQLite embedded database under ``var/``.
The demo (``make demo``) turns on ``CONVENOR_DEMO`` which relaxes only what plain HTTP on
127.0.0.1 needs (cookies without the Secure flag); it never turns DEBUG on by itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from convenor.core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CONVENOR_VAR_DIR", PROJECT_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("CONVENOR_DEBUG")
DEMO = env_flag("CONVENOR_DEMO")
TESTING = env_flag("CONVENOR_TESTING")


def env_secret(name: str, missing: str, stand_in: str) -> str:
    """A secret from the environment. Where it is missing, the demo, the tests and DEBUG run on
    the fixed, public ``stand_in``; anything else stops with ``missing`` (what to set)."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG or DEMO or TESTING:
        return stand_in
    raise ImproperlyConfigured(missing)


SECRET_KEY = env_secret(
    "CONVENOR_SECRET_KEY",
    "Set CONVENOR_SECRET_KEY (a long random string) in the environment; "
    "only the demo and the tests may run without one.",
    "convenor-insecure-key-for-demo-and-tests-only",
)

# The audit chain's key (ADR 0002): entries are HMAC-SHA256 under it and checkpoints are signed
# with it. Keep it outside the database (environment, secrets store), apart from its backups.
CONVENOR_AUDIT_KEY = env_secret(
    "CONVENOR_AUDIT_KEY",
    "Set CONVENOR_AUDIT_KEY (a long random string, kept outside the database) in the "
    "environment; the audit chain is keyed with it. Only the demo and the tests may run "
    "without one.",
    "convenor-insecure-audit-key-for-demo-and-tests-only",
)
if len(CONVENOR_AUDIT_KEY) < 32 and not (DEBUG or DEMO or TESTING):
    raise ImproperlyConfigured("CONVENOR_AUDIT_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CONVENOR_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CONVENOR_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django.forms",  # Django's widget templates, for the form renderer below
    "django_tasks",
    "django_tasks_db",
    "convenor.ops",
]
# Convenor's own domain apps, in menu order. Each may provide `urls.py` (mounted at its AppConfig's
# `url_prefix`), `api_urls.py` (mounted under /api/v1/), `demo.py` with `load_demo()` (called by
# `convenor demo` after the core demo), and `navigation` on its AppConfig (menu entries).
CONVENOR_APPS = [
    "convenor.core",
    "convenor.threat",
    "convenor.groups",
    "convenor.intelligence",
    "convenor.reports",
    "convenor.governance",
    "convenor.profiles",
    "convenor.search",
]
INSTALLED_APPS += CONVENOR_APPS

MIDDLEWARE = [
    "convenor.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "convenor.core.middleware.ApiNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "convenor.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "convenor.core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "convenor.core.middleware.AccountStandingMiddleware",
    "convenor.core.middleware.RequirePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "convenor.urls"
WSGI_APPLICATION = "convenor.wsgi.application"
ASGI_APPLICATION = "convenor.asgi.application"

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
                "convenor.core.context_processors.navigation",
            ],
        },
    }
]

# Forms render as GOV.UK form groups: {{ form.x.as_field_group }} (core/form_renderer.py).
FORM_RENDERER = "convenor.core.form_renderer.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'convenor.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database takes concurrent use (pages, background imports and linkage runs):
    # WAL lets readers go on while one writer writes; every transaction takes the write lock when
    # it begins (BEGIN IMMEDIATE), so a writer waits its turn for up to the busy timeout instead of
    # failing with "database is locked" when a read turns into a write (ADR 0023).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": float(os.environ.get("CONVENOR_SQLITE_BUSY_SECONDS", "30")),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing dozens of fixture passwords at full strength would dominate the test run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"

# API tokens lapse after CONVENOR_API_TOKEN_DAYS, or sooner when unused for
# CONVENOR_API_TOKEN_IDLE_DAYS (30: a monthly job still works; a forgotten one lapses in a month).
CONVENOR_API_TOKEN_DAYS = int(os.environ.get("CONVENOR_API_TOKEN_DAYS", "90"))
CONVENOR_API_TOKEN_IDLE_DAYS = int(os.environ.get("CONVENOR_API_TOKEN_IDLE_DAYS", "30"))
# Issuing a token, exporting personal data, publishing and granting roles need both factors
# given within this many minutes (core/reauth.py).
CONVENOR_REAUTH_MINUTES = int(os.environ.get("CONVENOR_REAUTH_MINUTES", "10"))

# Lockout after repeated failures (django-axes): per username, so an attacker cannot lock out
# a whole office behind one NAT address.
AXES_FAILURE_LIMIT = int(os.environ.get("CONVENOR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("CONVENOR_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# Sessions expire after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("CONVENOR_SESSION_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_flag("CONVENOR_SECURE_COOKIES", default=not (DEMO or TESTING or DEBUG))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_flag("CONVENOR_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only allows the domain's owner to submit it to browsers' preload list; it submits nothing.
    SECURE_HSTS_PRELOAD = env_flag("CONVENOR_HSTS_PRELOAD", default=True)

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve from the app's static folders directly: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "convenor.core.tokens.ConvenorTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["convenor.core.api_policy.PolicyPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "convenor.core.api_policy.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "convenor.core.api_policy.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Convenor API",
    "DESCRIPTION": "Convenor's REST API. Authenticate with a per-user token: "
    "`Authorization: Token <key>`. Every endpoint goes through the same access policy "
    "as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "ENUM_NAME_OVERRIDES": {
        "GroupStatusEnum": "convenor.groups.models.OrganisedCrimeGroup.Status",
        "DatasetKindEnum": "convenor.threat.models.Dataset.Kind",
        "EntityKindEnum": "convenor.threat.models.Entity.Kind",
        "LegalBasisEnum": "convenor.core.models.LegalBasis",
        "FourPEnum": "convenor.intelligence.grading.FourP",
        "ActionStatusEnum": "convenor.governance.models.Action.Status",
        "ProfileVersionStatusEnum": "convenor.profiles.models.ProfileVersion.Status",
    },
}

# Plain lines, or one JSON object a line with the request's id and user (CONVENOR_LOG_FORMAT=json);
# the anonymous channel is never logged (core/logging.py, ADR 0068).
LOGGING = logging_config(
    os.environ.get("CONVENOR_LOG_FORMAT", "text"),
    level=os.environ.get("CONVENOR_LOG_LEVEL", "WARNING"),
    splink_level=os.environ.get("CONVENOR_SPLINK_LOG_LEVEL", "ERROR"),
)

# Intelligence: limits of the anonymous channel (global daily counters; no identifier is kept)
# and of attachments. The encryption key is read from CONVENOR_INTELLIGENCE_KEY when used.
CONVENOR_ANONYMOUS_SUBMISSIONS_PER_DAY = int(
    os.environ.get("CONVENOR_ANONYMOUS_SUBMISSIONS_PER_DAY", "500")
)
CONVENOR_RECEIPT_FAILURES_PER_DAY = int(os.environ.get("CONVENOR_RECEIPT_FAILURES_PER_DAY", "200"))
CONVENOR_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("CONVENOR_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024))
)

# Imports, linkage runs and profile builds go on the job queue (ADR 0061); the tests run imports
# and linkage runs inline, and any queued job immediately after its transaction commits.
CONVENOR_BACKGROUND_TASKS = env_flag("CONVENOR_BACKGROUND_TASKS", default=not TESTING)
CONVENOR_JOBS_IMMEDIATE = env_flag("CONVENOR_JOBS_IMMEDIATE", default=TESTING)
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if CONVENOR_JOBS_IMMEDIATE
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# A worker beats this often; one not seen for LOST_AFTER is dead and its running job recovered.
CONVENOR_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("CONVENOR_WORKER_HEARTBEAT_SECONDS", "5"))
CONVENOR_WORKER_LOST_AFTER_SECONDS = float(
    os.environ.get("CONVENOR_WORKER_LOST_AFTER_SECONDS", "60")
)
# /healthz answers 503 when more jobs than this wait on the queue.
CONVENOR_HEALTH_MAX_QUEUED_JOBS = int(os.environ.get("CONVENOR_HEALTH_MAX_QUEUED_JOBS", "500"))
CONVENOR_IMPORT_MAX_BYTES = int(os.environ.get("CONVENOR_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
CONVENOR_IMPORT_MAX_ROWS = int(os.environ.get("CONVENOR_IMPORT_MAX_ROWS", "1000000"))
CONVENOR_IMPORT_MAX_CELL = int(os.environ.get("CONVENOR_IMPORT_MAX_CELL", "1000"))

# Audit chain checkpoints, written outside the database (ADR 0002): an append-only file in a
# directory (default: VAR_DIR/audit-checkpoints, worked out when used), syslog, or both.
# CONVENOR_AUDIT_CHECKPOINT_SYSLOG is a socket path ("/dev/log") or "host:port" (UDP).
CONVENOR_AUDIT_CHECKPOINT_DIR = os.environ.get("CONVENOR_AUDIT_CHECKPOINT_DIR", "")
CONVENOR_AUDIT_CHECKPOINT_SYSLOG = os.environ.get("CONVENOR_AUDIT_CHECKPOINT_SYSLOG", "")
# A checkpoint follows an entry once the last one (by this process) is this old or this far behind.
CONVENOR_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("CONVENOR_AUDIT_CHECKPOINT_SECONDS", "900"))
CONVENOR_AUDIT_CHECKPOINT_ENTRIES = int(os.environ.get("CONVENOR_AUDIT_CHECKPOINT_ENTRIES", "500"))

# Security classification Convenor handles (and says so on every page).
CONVENOR_CLASSIFICATION_NOTICE = "OFFICIAL and OFFICIAL-SENSITIVE information only"

# Lockout is per username on purpose (see AXES_LOCKOUT_PARAMETERS above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
