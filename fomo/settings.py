"""Django settings for fomo, read from the environment.

Embedded default: SQLite and a secret key in ``FOMO_DATA_DIR``. At scale: ``DATABASE_URL``
(PostgreSQL), ``REDIS_URL``, ``CHROMA_URL``; the same code runs both.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from fomo import logging as fomo_logging
from fomo import paths

BASE_DIR = Path(__file__).resolve().parent.parent
# templates/ and static/ come from ASSETS_DIR: the checkout, or the wheel's fomo/site/ (never ../ of
# site-packages); see fomo/paths.py.
ASSETS_DIR = paths.ASSETS_DIR
DATA_DIR = paths.data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
PROXY_HOPS = _env_int("FOMO_PROXY_HOPS", 0)
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "channels",
    "builder",
    "runs",
    "teams",
    "experiments",
    "fomo",  # no models: registers the start-up checks (fomo/apps.py)
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fomo.csp.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fomo.middleware.LoginRequiredEverywhere",
]

ROOT_URLCONF = "fomo.urls"
ASGI_APPLICATION = "fomo.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ASSETS_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fomo.sqlite3'}"),
        conn_max_age=600,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(_SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Checked wherever a password is set: sign-up and the ensure_user/seed_demo commands.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [ASSETS_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "fomo.channel_layer.PromptPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("FOMO_CHANNEL_PREFIX", "fomo")},
    }
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FOMO_QUEUE", "fomo")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["teams.auth.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["fomo.renderers.SafeJSONRenderer"],  # repairs unencodable text (fomo/jsonsafe.py)
    "DEFAULT_PARSER_CLASSES": ["fomo.parsers.SafeJSONParser"],  # depth- and text-checked (fomo/jsonsafe.py)
    "EXCEPTION_HANDLER": "fomo.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# Run execution knobs (seconds unless named otherwise).
FOMO = {
    "LEASE_SECONDS": float(os.environ.get("FOMO_LEASE_SECONDS", "30")),
    "SWEEP_SECONDS": float(os.environ.get("FOMO_SWEEP_SECONDS", "5")),
    "MAX_RUN_ATTEMPTS": int(os.environ.get("FOMO_MAX_RUN_ATTEMPTS", "3")),
    "RUN_CONCURRENCY": int(os.environ.get("FOMO_RUN_CONCURRENCY", "64")),
    "MAX_GRAPH_BYTES": 5 * 1024 * 1024,
    "MAX_INPUT_BYTES": 5 * 1024 * 1024,
    # Requests per API token: "<n>/<s|min|hour|day>", a fixed window in Redis.
    "TOKEN_RATE": os.environ.get("FOMO_TOKEN_RATE", "120/min"),
    # Failed authentication (fomo/throttle.py): failures allowed per account / client address
    # before a lock (0 turns that counter off); the first lock, doubled by each further failure
    # up to the longest; how long after the last failure the count is remembered.
    "LOGIN_FAILURES_PER_ACCOUNT": _env_int("FOMO_LOGIN_FAILURES_PER_ACCOUNT", 5),
    "LOGIN_FAILURES_PER_ADDRESS": _env_int("FOMO_LOGIN_FAILURES_PER_ADDRESS", 20),
    "TOKEN_FAILURES_PER_ADDRESS": _env_int("FOMO_TOKEN_FAILURES_PER_ADDRESS", 20),
    "AUTH_LOCK_SECONDS": _env_float("FOMO_AUTH_LOCK_SECONDS", 60),
    "AUTH_MAX_LOCK_SECONDS": _env_float("FOMO_AUTH_MAX_LOCK_SECONDS", 900),
    "AUTH_FAILURE_MEMORY_SECONDS": _env_float("FOMO_AUTH_FAILURE_MEMORY_SECONDS", 3600),
    # Reverse proxies in front of the web process that append to X-Forwarded-For and set
    # X-Forwarded-Proto. 0: neither header is believed.
    "PROXY_HOPS": PROXY_HOPS,
    "MAX_IMPORT_BYTES": 5 * 1024 * 1024,
    "MAX_RUN_WAIT_SECONDS": 60,
    # A worker asked to stop lets its runs finish this long, then hands the rest to another worker.
    "SHUTDOWN_GRACE_SECONDS": float(os.environ.get("FOMO_SHUTDOWN_GRACE_SECONDS", "8")),
    # Retention (runs/retention.py): finished runs older than RETENTION_DAYS, or beyond the newest
    # RETENTION_KEEP_RUNS of their pipeline, are pruned hourly by one of the workers. Unset: kept.
    "RETENTION_DAYS": float(os.environ["FOMO_RETENTION_DAYS"]) if os.environ.get("FOMO_RETENTION_DAYS") else None,
    "RETENTION_KEEP_RUNS": (int(os.environ["FOMO_RETENTION_KEEP_RUNS"])
                            if os.environ.get("FOMO_RETENTION_KEEP_RUNS") else None),
    "RETENTION_EVERY_SECONDS": float(os.environ.get("FOMO_RETENTION_EVERY_SECONDS", "3600")),
    "RETENTION_BATCH": 200,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "fomo API",
    "DESCRIPTION": "Pipelines, versions, runs, teams and sharing. Authenticate with a session or "
                   "`Authorization: Bearer fomo_<prefix>_<secret>` (personal API tokens).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DISABLE_ERRORS_AND_WARNINGS": True,
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Text or JSON lines with run and node ids, secrets redacted (fomo/logging.py).
LOGGING = fomo_logging.config(os.environ.get("FOMO_LOG_FORMAT", "text"), os.environ.get("FOMO_LOG_LEVEL", "INFO"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Behind TLS. FOMO_SECURE_COOKIES: session and CSRF cookies only travel over HTTPS.
# FOMO_HSTS_SECONDS > 0: browsers are told to use HTTPS only, for that long (sent on HTTPS
# responses only; start small, it cannot be taken back before it expires).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("FOMO_SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = _env_int("FOMO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("FOMO_HSTS_INCLUDE_SUBDOMAINS", False)
if PROXY_HOPS > 0:
    # The proxy terminates TLS and says so; it must overwrite a client's own X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
