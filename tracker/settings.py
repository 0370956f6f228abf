"""Settings, read from the environment (see docs/configuration.md).

With no variable set, the tracker runs on the embedded default: SQLite under
``var/``, Celery tasks executed in-process, DEBUG on. Production sets
``DEBUG=false`` and at least ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``
and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string setting; ``NAME_FILE`` (a path, e.g. a Docker secret) wins over ``NAME``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum of {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# The key that signs sessions and tokens. Only the embedded default may use the
# development key; a production start-up without a real key stops here.
DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "events",
    "sources",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
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

# Database: DATABASE_URL (postgres://user:password@host:5432/name), else SQLite.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tracker.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
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

# Redis: Celery's broker and result store, and the cache. Without it, tasks run
# in-process (eager) and the cache is local memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fixup closes every database connection around every task
# unless this is set, so each task would pay for a new PostgreSQL backend.
# Workers instead apply CONN_MAX_AGE and the health checks before each task,
# as Django does per request (sources/tasks.py).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=1)

# Security. Production defaults are strict; a deployment behind a TLS-terminating
# proxy sets SECURE_PROXY_SSL_HEADER=true.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


def env_rate(name: str, default: str) -> str | None:
    """A request rate such as ``60/minute`` (second, minute, hour or day); ``off`` for no limit."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() in ("off", "none"):
        return None
    count, _, period = raw.partition("/")
    if not count.isdigit() or period not in ("second", "minute", "hour", "day"):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate such as 60/minute (or off)")
    return raw


# The REST API (docs/api.md). Anonymous callers are limited per client address,
# authenticated ones per token (or per user, for a browser session). Behind a
# reverse proxy, API_NUM_PROXIES tells how many X-Forwarded-For hops to trust.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "tracker.api.openapi.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["tracker.api.filters.StrictFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ReadOrModelPermission"],
    "DEFAULT_THROTTLE_CLASSES": [
        "tracker.api.throttling.AnonymousRateThrottle",
        "tracker.api.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "60/minute"),
        "token": env_rate("API_THROTTLE_TOKEN", "1200/minute"),
    },
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0, minimum=0) or None,
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.KeysetPagination",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tracker.api.views.FormatNegotiation",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "tracker.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sanctions-violation event tracker API",
    "DESCRIPTION": (
        "Arms transfers that breach sanctions, with their sources. Published events are open to all; "
        "analysts and reviewers write and review with a token. Guide: docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "WeaponCategory": "events.choices.WeaponCategory",
        "ReviewState": "events.choices.ReviewState",
        "ActorKind": "events.choices.ActorKind",
        "EventKind": "events.choices.EventKind",
        "PublisherKind": "sources.choices.PublisherKind",
        "SourceReliability": "sources.choices.SourceReliability",
        "DocumentKind": "sources.choices.DocumentKind",
    },
}


# Demo accounts are created only by `load_demo_data` and only while DEBUG is on.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-password-change-me")

# News-feed ingestion (docs/ingestion.md). Fetching private, loopback and
# link-local addresses is refused unless FEED_ALLOW_PRIVATE_NETWORKS is on.
FEED_ALLOW_PRIVATE_NETWORKS = env_bool("FEED_ALLOW_PRIVATE_NETWORKS", False)
FEED_MAX_BYTES = env_int("FEED_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FEED_CONNECT_TIMEOUT = env_int("FEED_CONNECT_TIMEOUT", 10, minimum=1)
FEED_READ_TIMEOUT = env_int("FEED_READ_TIMEOUT", 20, minimum=1)
FEED_TOTAL_TIMEOUT = env_int("FEED_TOTAL_TIMEOUT", 60, minimum=1)
FEED_MAX_REDIRECTS = env_int("FEED_MAX_REDIRECTS", 5, minimum=0)
FEED_USER_AGENT = env_str("FEED_USER_AGENT", "sanctions-event-tracker/0.1 (feed reader)")
FEED_DEFAULT_POLL_INTERVAL = env_int("FEED_DEFAULT_POLL_INTERVAL", 1800, minimum=60)
FEED_MIN_POLL_INTERVAL = env_int("FEED_MIN_POLL_INTERVAL", 300, minimum=1)
FEED_MAX_POLL_INTERVAL = env_int("FEED_MAX_POLL_INTERVAL", 86400, minimum=60)
FEED_MAX_BACKOFF = env_int("FEED_MAX_BACKOFF", 86400, minimum=60)
FEED_DISPATCH_BATCH = env_int("FEED_DISPATCH_BATCH", 1000, minimum=1)
FEED_TASK_SOFT_TIME_LIMIT = env_int("FEED_TASK_SOFT_TIME_LIMIT", 120, minimum=2)
FEED_TASK_TIME_LIMIT = env_int("FEED_TASK_TIME_LIMIT", 150, minimum=3)
if FEED_TASK_SOFT_TIME_LIMIT >= FEED_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("FEED_TASK_SOFT_TIME_LIMIT must be below FEED_TASK_TIME_LIMIT")
ARTICLE_MAX_UPDATES = env_int("ARTICLE_MAX_UPDATES", 10, minimum=0)
# Seconds a worker keeps the relevance scorer's compiled names and cue words before rebuilding them from the
# reference data, so that aliases added in the admin reach running workers (docs/relevance.md).
RELEVANCE_TERMS_MAX_AGE = env_int("RELEVANCE_TERMS_MAX_AGE", 600, minimum=0)
