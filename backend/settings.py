"""Django settings for Incognito.

All deployment-specific values come from environment variables through
``backend.env.Env``; a malformed value stops start-up naming the variable.
Two profiles exist: ``development`` (the embedded default: SQLite in WAL mode,
media on local disk) and ``production`` (requires a real secret, hosts and TLS).
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from backend.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("INCOGNITO_VAR_DIR", str(BASE_DIR / "var")))

PROFILE = env.choice("INCOGNITO_PROFILE", ["development", "production"], "development")
PRODUCTION = PROFILE == "production"

_DEV_SECRET = "django-insecure-incognito-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY") if PRODUCTION else env.str("SECRET_KEY", _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("Environment variable SECRET_KEY must be at least 50 random characters in production.")

DEBUG = env.bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("Environment variable DEBUG must be false in production.")

ALLOWED_HOSTS = (
    env.list("ALLOWED_HOSTS") if PRODUCTION else env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "nested_admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served by the app: /api/docs/ works offline
    "treebeard",
    "branches",
    "scorecards",
    "audits",
    "auditor_api",
    "reports",
    "dashboard",
    "coaching",
    "fixtures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security: an unreachable database is a 503 with Retry-After, not a 500.
    "backend.middleware.OutageMiddleware",
    # Outermost but for security: Django's own 404 and 500 pages under /api/ become problems.
    "backend.middleware.ApiErrorPagesMiddleware",
    "backend.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication and messages, so its 400 page is the signed-in dashboard's.
    "backend.middleware.HostileInputMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
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

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'incognito.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "backend.sqlite"
    # Tests run on a file in WAL mode too (not shared-cache memory), so concurrency is real.
    # One file per test process, so two test runs in one checkout never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run while a visit is written; IMMEDIATE takes the write lock at
    # BEGIN so two concurrent submissions queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "branches.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Language and time ----------------------------------------------------------------------
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = env.choice("LANGUAGE_CODE", [code for code, _name in LANGUAGES], "zh-hans")
TIME_ZONE = env.str("TIME_ZONE", "Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"Environment variable TIME_ZONE={TIME_ZONE!r} is not a known IANA time zone.") from None
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = env.str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))

MEDIA_STORAGE = env.choice("MEDIA_STORAGE", ["local", "s3"], "local")
if MEDIA_STORAGE == "s3":
    _media_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", None),
            "region_name": env.str("S3_REGION", None),
            "access_key": env.str("S3_ACCESS_KEY_ID", None),
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", None),
            "location": env.str("S3_PREFIX", ""),
            # Evidence photos are private: links are signed and expire.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE_SECONDS", 600, minimum=1),
            "file_overwrite": False,
        },
    }
else:
    _media_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _media_backend,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header turns anonymous requests into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: one content type per request body, as the schema says. A form or multipart body
    # sent to a JSON endpoint is a 415. Views that take a file set ``parser_classes`` to the
    # project's MultiPartParser. The project's parsers refuse what no field can hold (NUL, lone
    # surrogates, >64-bit integers, nesting deeper than 64) with a 400 naming the field.
    "DEFAULT_PARSER_CLASSES": ["backend.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "backend.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, with operation ids, descriptions and response shapes written for the
    # API's clients (backend.api.schema).
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.AutoSchema",
    # The phone states the contract version it speaks in X-Incognito-API-Version (missing: 1).
    "DEFAULT_VERSIONING_CLASS": "backend.api.versioning.HeaderVersioning",
    # Decimals (scores, points, weights, coordinates, amounts) are JSON numbers everywhere, as the
    # report means and the auditor API always were: 92.7, never "92.7". Inputs take either.
    "COERCE_DECIMAL_TO_STRING": False,
    # An unknown ?format= is a 400 naming "format" (DRF's own answer is a 404).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "backend.api.negotiation.ContentNegotiation",
    "EXCEPTION_HANDLER": "backend.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Per-user budgets for the phone API: generous for a real shift, a wall for a runaway client.
    "DEFAULT_THROTTLE_RATES": {
        "auditor": env.str("AUDITOR_THROTTLE_RATE", "240/min"),
        "auditor-photos": env.str("AUDITOR_PHOTO_THROTTLE_RATE", "120/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Incognito API",
    "DESCRIPTION": (
        "Mystery-shopper audits: scorecards, stores, visits. Authenticate with "
        "`Authorization: Token <token>` from `POST /api/auth/token/`, or a browser session."
    ),
    # The contract's version: the major number is the X-Incognito-API-Version header's value.
    "VERSION": "1.0.0",
    # In English whatever the request's language or LANGUAGE_CODE (backend.api.schema).
    "DEFAULT_GENERATOR_CLASS": "backend.api.schema.SchemaGenerator",
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # deepLinking is spectacular's default; no validator badge fetched from swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Read-only response fields are required (they are always sent); see backend.api.schema.
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Every operation's error responses (RFC 9457 problem+json) and the headers they send.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.problems.document_problems",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VisitStatusEnum": "audits.models.VisitStatus",
        "VersionStatusEnum": "scorecards.models.VersionStatus",
        "ItemTypeEnum": "scorecards.models.ItemType",
        "RoleEnum": "branches.models.Role",
        "AssignmentStatusEnum": "audits.models.AssignmentStatus",
        "PhotoStatusEnum": "audits.models.PhotoStatus",
        # Without these, every "status" enum would be named after its serializer
        # (ActionItemOutStatusEnum): a rename of a serializer would rename a class in the phones' code.
        "ActionItemStatusEnum": "coaching.models.ActionStatus",
        "CoachingReportStatusEnum": "coaching.models.ReportStatus",
        "DisputeStatusEnum": "audits.models.DisputeStatus",
        "WaveStatusEnum": "audits.models.WaveStatus",
        "ChannelEnum": "audits.models.Channel",
        "DaypartEnum": "branches.dayparts.Daypart",
        "OutcomeEnum": ["upheld", "amended"],
        "LanguageEnum": [code for code, _name in LANGUAGES],
        "VisitFlagEnum": "audits.models.VisitFlag",
        "UnfilledReasonEnum": "audits.serializers.planning.UNFILLED_REASONS",
    },
}

# --- Domain settings ------------------------------------------------------------------------
INCOGNITO = {
    "BRAND_NAME": env.str("INCOGNITO_BRAND_NAME", "Incognito"),
    # The coaching PDF's accent colour, as #rrggbb.
    "BRAND_COLOUR": env.str("INCOGNITO_BRAND_COLOUR", "#b5121b"),
    # A check-in farther than this from the store (beyond the fix's accuracy) is flagged for review.
    "CHECKIN_MAX_DISTANCE_M": env.int("CHECKIN_MAX_DISTANCE_M", 300, minimum=1),
    # While the database is unreachable, clients are told to retry after this many seconds (503).
    "OUTAGE_RETRY_AFTER_SECONDS": env.int("OUTAGE_RETRY_AFTER_SECONDS", 10, minimum=1),
    "PHOTO_MAX_BYTES": env.int("PHOTO_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
    "PHOTO_MAX_PIXELS": env.int("PHOTO_MAX_PIXELS", 40_000_000, minimum=10_000),
    # An upload whose decoded image (width × height × 4 bytes, 1 for greyscale) would exceed this is
    # refused from its header, before decoding: 128 MB is a 33 Mpx colour photo.
    "PHOTO_MAX_DECODED_MB": env.int("PHOTO_MAX_DECODED_MB", 128, minimum=1),
    # Non-upload request bodies (a whole visit as JSON) larger than this get 413.
    "MAX_JSON_BODY_BYTES": env.int("MAX_JSON_BODY_BYTES", 2 * 1024 * 1024, minimum=1024),
    # A store manager may dispute an item of a released visit for this many days.
    "DISPUTE_WINDOW_DAYS": env.int("DISPUTE_WINDOW_DAYS", 7, minimum=1),
    # Stores with fewer released visits in a period are shown as "not enough data", not ranked.
    "MIN_VISITS_FOR_RANK": env.int("MIN_VISITS_FOR_RANK", 3, minimum=2),
}

# --- Background jobs (coaching PDFs) ---------------------------------------------------------
# With a broker (Redis in production: redis://host:6379/0) jobs go to Celery workers. Without one
# they run in a background thread of the web process ("thread"), so the embedded setup needs no
# broker; "inline" renders right after the request's transaction commits (tests, scripts).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
REPORT_JOBS = env.choice("REPORT_JOBS", ["celery", "thread", "inline"], "celery" if CELERY_BROKER_URL else "thread")
if REPORT_JOBS == "celery" and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("REPORT_JOBS=celery needs CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0).")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("REPORT_TIME_LIMIT_S", 300, minimum=10)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

if not re.fullmatch(r"#[0-9a-fA-F]{6}", INCOGNITO["BRAND_COLOUR"]):
    raise ImproperlyConfigured(
        f"Environment variable INCOGNITO_BRAND_COLOUR={INCOGNITO['BRAND_COLOUR']!r} is not a #rrggbb colour."
    )

# Bodies are checked by RequestSizeLimitMiddleware first (413); these are Django's own backstops.
DATA_UPLOAD_MAX_MEMORY_SIZE = INCOGNITO["MAX_JSON_BODY_BYTES"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Production hardening -------------------------------------------------------------------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    if env.bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR"], "INFO")},
    "loggers": {
        # WeasyPrint logs every layout step at INFO and each SVG presentation attribute its CSS
        # parser skips; only real problems (a resource that failed to load) are worth a line.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
    },
}
