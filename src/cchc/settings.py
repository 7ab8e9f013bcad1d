"""One settings module, driven by the environment.

Defaults give the embedded deployment (SQLite under ./var, one machine). Production sets
DATABASE_URL (PostgreSQL), SECRET_KEY, ALLOWED_HOSTS and keeps DEBUG off. See docs/deploy.md.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Everything the embedded deployment writes (database, uploads, secret key, static files).
DATA_DIR = Path(os.environ.get("CCHC_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment; else one generated once and kept in DATA_DIR (never in git)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # cchc domains, kernel first
    "cchc.core",
    "cchc.accounts",
    "cchc.org",
    "cchc.workdays",
    "cchc.procedures",
    "cchc.reform",
    "cchc.onestop",
    "cchc.portal",
    "cchc.feedback",
    "cchc.parindex",
    "cchc.surveys",
    "cchc.households",
    "cchc.martyrs",
    "cchc.edocs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cchc.core.middleware.VietnameseFirstMiddleware",
    "cchc.core.middleware.NFCInputMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cchc.core.middleware.RequestContextMiddleware",
    "cchc.core.middleware.NoStoreMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cchc.urls"
WSGI_APPLICATION = "cchc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc.core.context_processors.navigation",
                "cchc.core.branding.brand",
            ],
            "builtins": ["cchc.core.templatetags.vn", "cchc.core.templatetags.ui"],
        },
    }
]

# --- Database --------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers up front (no mid-transaction "database is locked"),
    # WAL lets the web process and the task worker read while one writes. Connections are kept
    # (CONN_MAX_AGE) as on PostgreSQL: a new SQLite connection parses the whole schema on its first
    # query, ~3 ms with this platform's tables, on every request when not kept (docs/benchmarks.md,
    # edocs exchange). A kept connection holds no lock between requests (autocommit).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("CCHC_TEST_SQLITE_NAME") or None
elif env_bool("PG_PREPARED_STATEMENTS", True):
    # Parameters bound by the server, and a statement run 5 times on a connection prepared there:
    # planned once instead of every time (the online filing path runs the same ~15 statements per
    # submission). Turn off behind a pooler in transaction mode (PgBouncer < 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("CCHC_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("CCHC_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CCHC_PROXY_COUNT", "0"))
# Web forms open to anyone, per client address and hour (core.ratelimit).
CCHC_REGISTER_PER_IP_HOUR = int(os.environ.get("CCHC_REGISTER_PER_IP_HOUR", "10"))
CCHC_PASSWORD_RESET_PER_IP_HOUR = int(os.environ.get("CCHC_PASSWORD_RESET_PER_IP_HOUR", "10"))

# --- Internationalisation: Vietnamese first ------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cchc.formats"]

# --- Static and uploaded files: everything served by the platform, no CDN -----------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CCHC_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("CCHC_MEDIA_ROOT", DATA_DIR / "media"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"  # never served publicly: downloads go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the embedded deployment may skip collectstatic
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CCHC_UPLOAD_MAX_BYTES = int(os.environ.get("CCHC_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_PERMISSIONS = 0o640
# Tables to import (households, survey responses) are refused before parsing beyond these limits:
# size on disk, unzipped size of an .xlsx (zip bombs), columns in the header.
CCHC_IMPORT_MAX_BYTES = int(os.environ.get("CCHC_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
CCHC_IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("CCHC_IMPORT_MAX_UNZIPPED_BYTES", str(300 * 1024 * 1024)))
CCHC_IMPORT_MAX_COLUMNS = int(os.environ.get("CCHC_IMPORT_MAX_COLUMNS", "300"))
# A file in MEDIA_ROOT that no row names is removed once this old (a killed worker's leftovers);
# younger ones may belong to a transaction still running. `cchc files_clean`, run by the worker.
CCHC_ORPHAN_FILE_GRACE_HOURS = float(os.environ.get("CCHC_ORPHAN_FILE_GRACE_HOURS", "24"))

# --- Security: on by default ---------------------------------------------------------------
# Cookies are Secure unless the operator says the site is served over plain HTTP (the local demo).
_secure = env_bool("CCHC_SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
LANGUAGE_COOKIE_SECURE = _secure
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("CCHC_SSL_REDIRECT", False)  # usually the reverse proxy's job
SECURE_HSTS_SECONDS = int(os.environ.get("CCHC_HSTS_SECONDS", "0"))
if env_bool("CCHC_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # No inline styles at all (attributes or <style>): depth indentation, heat-map colours and
        # swatches are classes of static/cchc/cchc.css.
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Request bodies with their text in NFC (core.text).
    "DEFAULT_PARSER_CLASSES": [
        "cchc.core.text.NFCJSONParser",
        "cchc.core.text.NFCFormParser",
        "cchc.core.text.NFCMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cchc.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "cchc.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every API view is throttled: anonymous callers per client address, users per account, and
    # the token endpoint (passwords) per address on top. Rates like "60/minute" from the environment.
    "DEFAULT_THROTTLE_CLASSES": [
        "cchc.core.throttling.AnonThrottle",
        "cchc.core.throttling.UserThrottle",
        "cchc.core.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("CCHC_API_ANON_RATE", "60/minute"),
        "user": os.environ.get("CCHC_API_USER_RATE", "1200/minute"),
        "token": os.environ.get("CCHC_API_TOKEN_RATE", "10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cchc API",
    "DESCRIPTION": "Administrative reform and e-government platform. Errors share one format: "
    '{"error": {"code": ..., "message": ..., "fields": {...}}}.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Mail and notifications ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cchc@localhost")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# --- Background tasks --------------------------------------------------------------------------
# Jobs live in the database (no broker). `cchc worker` runs them; `cchc serve` starts one beside
# the web server. CCHC_JOBS_EAGER runs a job inside the request that queued it (tests, scripts).
CCHC_JOBS_EAGER = env_bool("CCHC_JOBS_EAGER", False)
# A worker beats every quarter of the lease; a job whose worker missed a whole lease is queued again,
# up to CCHC_JOB_MAX_ATTEMPTS runs, then failed. /healthz answers 503 while a worker is stale.
CCHC_JOB_LEASE_SECONDS = float(os.environ.get("CCHC_JOB_LEASE_SECONDS", "60"))
CCHC_JOB_MAX_ATTEMPTS = int(os.environ.get("CCHC_JOB_MAX_ATTEMPTS", "3"))
# Extra modules that register job kinds (@register_job), imported when the platform starts.
CCHC_JOB_MODULES = env_list("CCHC_JOB_MODULES", "")

# --- cchc ------------------------------------------------------------------------------------
# Online payment: the sandbox until a real provider's Gateway class is configured
# (`cchc check --deploy` warns while the sandbox is active).
CCHC_PAYMENT_GATEWAY = os.environ.get("CCHC_PAYMENT_GATEWAY", "cchc.portal.payments.SandboxGateway")
CCHC_PAYMENT_TIMEOUT_MINUTES = int(os.environ.get("CCHC_PAYMENT_TIMEOUT_MINUTES", "15"))
# Where applicants are notified of status changes; an SMS gateway class joins this list.
CCHC_NOTIFICATION_CHANNELS = env_list(
    "CCHC_NOTIFICATION_CHANNELS",
    "cchc.portal.notifications.InAppChannel,cchc.portal.notifications.EmailChannel",
)
# The public address of the platform, for absolute links in e-mails and SMS (the demo's by default;
# `cchc check --deploy` warns while it points at this machine).
CCHC_SITE_URL = os.environ.get("CCHC_SITE_URL", "http://127.0.0.1:8000")
# Smallest group shown in survey breakdowns (privacy).
CCHC_SURVEY_MIN_GROUP = int(os.environ.get("CCHC_SURVEY_MIN_GROUP", "5"))
# The organisation's brand (core/branding.py). Neutral defaults: each deployment names itself, as
# ministries are merged and renamed. CCHC_SITE_NAME is the former name of CCHC_BRAND_NAME.
CCHC_BRAND_NAME = os.environ.get(
    "CCHC_BRAND_NAME", os.environ.get("CCHC_SITE_NAME", "Cơ quan hành chính nhà nước")
)
CCHC_BRAND_NAME_EN = os.environ.get("CCHC_BRAND_NAME_EN", "")
CCHC_BRAND_SHORT_NAME = os.environ.get("CCHC_BRAND_SHORT_NAME", "CCHC")
CCHC_BRAND_LOGO = os.environ.get("CCHC_BRAND_LOGO", "cchc/brand-logo.svg")

# --- Audit log: keyed hash and checkpoints outside the database (docs/architecture.md) ----------
# The key of the audit chain's HMAC. Never stored in the database: someone who can rewrite audit
# rows but does not hold it cannot re-chain them. The default is public (demo and development
# only); `cchc check --deploy` refuses it. Changing the key makes the existing chain fail to verify.
DEMO_AUDIT_KEY = "cchc-demo-audit-key-public-do-not-use-in-production"
CCHC_AUDIT_KEY = os.environ.get("CCHC_AUDIT_KEY") or DEMO_AUDIT_KEY
# Where `cchc audit checkpoint` writes signed (last id, chain head) files; in production a folder
# the database's users cannot write (another machine, write-once storage).
CCHC_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("CCHC_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}


# --- Cache: shared between the web server and the worker (job progress, throttling) -------
# The embedded default is a file cache in DATA_DIR (works across processes, needs no server);
# production points REDIS_URL at Redis (install the `redis` extra: pip install "cchc[redis]").
def cache_settings(redis_url: str) -> dict:
    if redis_url:
        try:
            import redis  # noqa: F401  (Django's RedisCache needs the client library)
        except ImportError as exc:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                'REDIS_URL is set but the Redis client is not installed: pip install "cchc[redis]"'
            ) from exc
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }


CACHES = cache_settings(os.environ.get("REDIS_URL", ""))

CSRF_FAILURE_VIEW = "cchc.core.views.csrf_failure"
