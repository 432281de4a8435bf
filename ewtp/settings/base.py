"""Settings shared by every environment, read from the environment (see README, Configuration)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # Development only: production.py refuses to start without DJANGO_SECRET_KEY.
    default="dev-only-insecure-key-3c1f9a7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djmoney",
    "django_countries",
    # Database triggers from model Meta (payments' append-only, balanced ledger); PostgreSQL
    # only: on SQLite its migration operations do nothing.
    "pgtrigger",
    "ewtp.api",
    "marketplace",
    "ehubs",
    "customs",
    "payments",
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
    "ewtp.admin_guard.AdminInputGuard",
    # Last, as django-axes asks: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ewtp.urls"
WSGI_APPLICATION = "ewtp.wsgi.application"
ASGI_APPLICATION = "ewtp.asgi.application"

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
                "marketplace.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` shares the SQLite file between the web server, a Celery worker and beat. WAL
    # lets readers go on while one writes; IMMEDIATE takes the write lock when a transaction
    # begins, so one that reads and then writes waits its turn (up to `timeout` seconds) instead
    # of failing with "database is locked" when another process wrote meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# "versions" holds the tokens that tell every process when hubs, rates or tariffs changed
# (ewtp.datacache): it must be shared by all processes, so without Redis it is a folder.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "versions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "versions",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "versions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / ".cache" / "versions"),
        },
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The axes backend comes first: it refuses a locked-out username and address before any
# password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
CSRF_FAILURE_VIEW = "marketplace.views.site.csrf_failure"

# Email (password reset links): printed to the console unless EMAIL_URL names a server,
# e.g. smtp+tls://user:password@smtp.example.org:587 (django-environ's email URL schemes).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="eWTP Marketplace <noreply@localhost>"
)
# Links in emails (order pages) start with this address.
EWTP_SITE_URL = env.str("EWTP_SITE_URL", default="http://127.0.0.1:8000")
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Money: every ISO 4217 currency py-moneyed knows; rounding lives in payments.money.
DEFAULT_CURRENCY = "USD"

# The payment provider (docs/payments.md): a dotted path to a payments.providers.base
# PaymentProvider class. The default is the built-in sandbox with its test cards; set
# EWTP_PAYMENT_PROVIDER to a real provider's class to take real money.
PAYMENT_PROVIDER = env.str(
    "EWTP_PAYMENT_PROVIDER", default="payments.providers.sandbox.SandboxProvider"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "ewtp.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "ewtp.api.schema.ThrottledAutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "ewtp.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "ewtp.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    # Rates and the on/off switch are read at each request: EWTP_API_* below.
    "DEFAULT_THROTTLE_CLASSES": [
        "ewtp.api.throttling.AnonThrottle",
        "ewtp.api.throttling.UserThrottle",
    ],
}


def _rate(name: str, default: str) -> str:
    """A DRF rate such as "300/min"; a malformed one stops start-up instead of every request."""
    value = env.str(name, default=default).strip()
    if not re.fullmatch(r"[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name} must look like 300/min (per s, min, h or day): {value!r}"
        )
    return value


# API rate limits (ewtp.api.throttling), counted in the default cache: per address when
# anonymous, per user when signed in. EWTP_API_THROTTLE=false turns them off (benchmarks).
EWTP_API_THROTTLE = env.bool("EWTP_API_THROTTLE", default=True)
EWTP_API_RATE_ANON = _rate("EWTP_API_RATE_ANON", "300/min")
EWTP_API_RATE_USER = _rate("EWTP_API_RATE_USER", "1200/min")
# Proxies in front of the app that append the client's address to X-Forwarded-For; 0 means the
# app is reached directly and X-Forwarded-For is ignored (a client could write anything there).
EWTP_TRUSTED_PROXIES = env.int("EWTP_TRUSTED_PROXIES", default=0)

# Idempotency keys (ewtp.api.idempotency): a key is remembered, and its first response replayed,
# for this many hours; then the hourly purge below deletes it and the key may be used afresh.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
if IDEMPOTENCY_KEY_TTL_HOURS < 1:
    raise ImproperlyConfigured(
        f"IDEMPOTENCY_KEY_TTL_HOURS must be a whole number of hours from 1: "
        f"{IDEMPOTENCY_KEY_TTL_HOURS}"
    )

# Log-in lockout (django-axes): pages, admin and the API token endpoint.
AXES_FAILURE_LIMIT = env.int("EWTP_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("EWTP_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "marketplace.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "marketplace.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "ewtp.api.throttling.client_ip"

SPECTACULAR_SETTINGS = {
    "TITLE": "eWTP Marketplace API",
    "DESCRIPTION": (
        "Cross-border marketplace for small businesses. Money is always "
        '{"amount": "12.34", "currency": "EUR"}; errors are field maps (400) or '
        '{"detail", "code"} (422). See docs/ for the full contract.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Listings, orders and declarations all have a `status`: each choice set gets its own
    # component name.
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "marketplace.models.catalogue.Listing.Status",
        "OrderStatusEnum": "marketplace.models.orders.OrderStatus",
        "DeclarationStatusEnum": "customs.models.declarations.DeclarationStatus",
        "DeclarationDirectionEnum": "customs.models.declarations.Direction",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ewtp.api.schema.postprocess_request_rules",
        "ewtp.api.links.postprocess_links",
    ],
}

# Celery: with no broker configured, tasks run in-process (eager) so the whole journey still
# completes on the embedded default; with CELERY_BROKER_URL set, a worker runs them.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
# Celery's Django fixup closes the database connection before and after every task unless this
# is set: a new connection for every job. With it, ewtp.celery closes a worker's connection as
# Django does after a request (past CONN_MAX_AGE, or unusable after an error); Celery itself
# then closes it only every 1,000 jobs.
CELERY_DB_REUSE_MAX = 1000
# Tasks of no hub run on Celery's default queue; clearance jobs on their hub's (customs.<HUB>).
CELERY_TASK_DEFAULT_QUEUE = "celery"
# An unacknowledged message is handed to another worker after the visibility timeout: it must
# outlast the task time limit and any retry countdown (customs.tasks.visibility_timeout_needed;
# a test holds it to that), or a job still running or waiting would run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
# `make run` without a broker of its own: kombu's filesystem transport, a folder of messages
# shared by the web server and its worker (manage.py serve_demo sets it up).
EMBEDDED_BROKER_DIR = Path(env.str("EWTP_EMBEDDED_BROKER_DIR", default=str(BASE_DIR / ".broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(EMBEDDED_BROKER_DIR / "queue"),
            "data_folder_out": str(EMBEDDED_BROKER_DIR / "queue"),
            "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
            "store_processed": False,
        }
    )
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Unpaid orders past their ORDER_PAYMENT_MINUTES give their stock back.
    "orders-expire": {"task": "marketplace.tasks.orders_expire", "schedule": 60.0},
    # Declarations left submitted (a lost message, a dead worker) go to clearance again.
    "declarations-sweep": {"task": "customs.tasks.declarations_sweep", "schedule": 60.0},
    # Shipped orders past DELIVERY_AUTO_CONFIRM_DAYS become delivered.
    "orders-auto-confirm": {
        "task": "marketplace.tasks.orders_auto_confirm",
        "schedule": timedelta(hours=1),
    },
    # Delivered orders: escrow released to sellers, customs and carriers; sellers paid out.
    "orders-settle": {
        "task": "marketplace.tasks.settlement_start",
        "schedule": float(env.int("EWTP_SETTLEMENT_EVERY_SECONDS", default=300)),
    },
    "idempotency-keys-purge": {
        "task": "ewtp.api.tasks.idempotency_keys_purge",
        "schedule": timedelta(hours=1),
    },
}

# Clearance: declarations per job; a declaration still submitted this long after its job was
# sent is sent again by the sweeper (at most SWEEP_LIMIT a run).
EWTP_CLEARANCE_BATCH = env.int("EWTP_CLEARANCE_BATCH", default=200)
EWTP_CLEARANCE_SWEEP_AFTER_SECONDS = env.int("EWTP_CLEARANCE_SWEEP_AFTER_SECONDS", default=120)
EWTP_CLEARANCE_SWEEP_LIMIT = env.int("EWTP_CLEARANCE_SWEEP_LIMIT", default=5000)

# Checkout: an unpaid order holds its stock this many minutes, then expires.
ORDER_PAYMENT_MINUTES = env.int("EWTP_ORDER_PAYMENT_MINUTES", default=30)

# Delivery: a shipped order whose buyer has not confirmed receipt (and whose carrier reported no
# delivery) is confirmed automatically this many days after shipment (orders_auto_confirm).
DELIVERY_AUTO_CONFIRM_DAYS = env.int("EWTP_DELIVERY_AUTO_CONFIRM_DAYS", default=14)
if DELIVERY_AUTO_CONFIRM_DAYS < 1:
    raise ImproperlyConfigured(
        f"EWTP_DELIVERY_AUTO_CONFIRM_DAYS must be a whole number of days from 1: "
        f"{DELIVERY_AUTO_CONFIRM_DAYS}"
    )

# Settlement: delivered orders settled per transaction (one commit each; a killed process loses
# at most one such batch, which the next run settles).
EWTP_SETTLEMENT_CHUNK = env.int("EWTP_SETTLEMENT_CHUNK", default=500)
# Settlement jobs beat starts at once: each settles chunks until none is left, SKIP LOCKED
# sharing them out, so settlement uses this many worker processes (and database backends).
EWTP_SETTLEMENT_SETTLERS = env.int("EWTP_SETTLEMENT_SETTLERS", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes announces its configuration on every start; lockouts are WARNINGs.
        "axes": {"level": "WARNING"},
    },
}

# Demo logins printed by `make run` (created by `manage.py seed_demo`).
DEMO_PASSWORD = env.str("EWTP_DEMO_PASSWORD", default="demo-pass-2026")
# The webhook secret of the demo logistics partners (seed_demo), printed by serve_demo so events
# can be signed by hand. Set only when a partner is created; rotate it in admin.
DEMO_LOGISTICS_SECRET = env.str("EWTP_DEMO_LOGISTICS_SECRET", default="demo-logistics-secret-2026")
