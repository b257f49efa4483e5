"""Settings for Lindung, read from the environment.

DATABASE_URL  default: SQLite file var/lindung.sqlite3
SECRET_KEY    default: generated once into var/secret_key
DEBUG         default: false
ALLOWED_HOSTS comma-separated; default: localhost,127.0.0.1 (and any host in DEBUG)
TIME_ZONE     default: Asia/Jakarta
LINDUNG_VAR   where runtime files live; default: var/ in the checkout (else ./var)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
# A source checkout keeps its runtime files in its own var/, wherever the command runs from;
# an installed package uses ./var unless LINDUNG_VAR says otherwise.
_CHECKOUT = (BASE_DIR / "pyproject.toml").exists()
VAR_DIR = Path(
    os.environ.get("LINDUNG_VAR", (BASE_DIR if _CHECKOUT else Path.cwd()) / "var")
).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # Written once and reused, so sessions survive restarts.
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if h.strip()
]
if DEBUG:
    ALLOWED_HOSTS.append("*")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "lindung.core",
    "lindung.regions",
    "lindung.accounts",
    "lindung.audit",
    "lindung.people",
    "lindung.synth",
    "lindung.programs",
    "lindung.proposals",
    "lindung.references",
    "lindung.verification",
    "lindung.membership",
    "lindung.contributions",
    "lindung.claims",
    "lindung.reports",
    "lindung.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it must see the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lindung" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindung.accounts.context_processors.capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lindung.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while a background job writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (verification) wait in the database; `lindung db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

# The public status check (/cek/, lindung/reports/public.py): every answer takes at least
# MIN_SECONDS (found and not found alike); LIMIT lookups per client per WINDOW, GLOBAL_LIMIT
# for all clients together (0: none); the lookup log is kept LOG_DAYS. Behind a reverse proxy
# set LINDUNG_TRUSTED_PROXY_COUNT=1 (else every visitor shares one client's budget); never
# without one (else clients could choose their own address).
LINDUNG_PUBLIC_CHECK_MIN_SECONDS = float(os.environ.get("LINDUNG_PUBLIC_CHECK_MIN_SECONDS", "0.3"))
LINDUNG_PUBLIC_CHECK_LIMIT = int(os.environ.get("LINDUNG_PUBLIC_CHECK_LIMIT", "10"))
LINDUNG_PUBLIC_CHECK_WINDOW_SECONDS = int(
    os.environ.get("LINDUNG_PUBLIC_CHECK_WINDOW_SECONDS", "600")
)
LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT = int(os.environ.get("LINDUNG_PUBLIC_CHECK_GLOBAL_LIMIT", "300"))
LINDUNG_PUBLIC_CHECK_LOG_DAYS = int(os.environ.get("LINDUNG_PUBLIC_CHECK_LOG_DAYS", "90"))
LINDUNG_TRUSTED_PROXY_COUNT = int(os.environ.get("LINDUNG_TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lindung" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every start when the folder is missing, before collectstatic ran.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production (DEBUG off, behind TLS) unless LINDUNG_INSECURE_HTTP says it is a local demo.
_SECURE = not DEBUG and not _env_bool("LINDUNG_INSECURE_HTTP")
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = _SECURE and not _env_bool("LINDUNG_BEHIND_TLS_PROXY_NO_REDIRECT")
SECURE_HSTS_SECONDS = 31536000 if _SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS: list[str] = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Lindung's own settings.
LINDUNG_REGIONS_DATA = BASE_DIR / "lindung" / "regions" / "data"

# REST API (lindung/api): token authentication only, JSON in and out, cursor pagination,
# errors in Indonesian unless the client asks for English (Accept-Language).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["lindung.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "lindung.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lindung.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindung API",
    "DESCRIPTION": (
        "Program jaminan sosial ketenagakerjaan pekerja rentan oleh pemerintah daerah: "
        "program, usulan, peserta, tagihan iuran dan klaim. Token API bertindak atas nama "
        "penggunanya: peran dan wilayah kerjanya berlaku. NIK disamarkan kecuali diminta "
        "dengan full_nik=true oleh peran yang boleh melihatnya (dicatat di log audit)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is public: it describes the API and holds no data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "lindung.proposals.models.ProposalStatus",
        "MemberStatusEnum": "lindung.membership.models.MemberStatus",
        "BillStatusEnum": "lindung.contributions.models.BillStatus",
        "ClaimStatusEnum": "lindung.claims.models.ClaimStatus",
    },
}
