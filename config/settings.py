"""Settings for both profiles: embedded default (SQLite, in-memory channels, huey on SQLite) and
production (PostgreSQL via DATABASE_URL, Redis via REDIS_URL). Every value comes from the environment."""

import os
import tomllib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# `make test` runs the suite in one pytest-xdist worker per core (PYTEST_XDIST_WORKER=gw0, gw1, …). Each worker
# keeps its files (var/xdist/<worker>/: huey's queue, media, outboxes) and its Redis database (below) to itself,
# so one worker's jobs, cache.clear() or outbox never reach another's.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if TEST_WORKER:
    VAR_DIR = VAR_DIR / "xdist" / TEST_WORKER
    VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The fallback key only exists for the embedded demo profile; production refuses to start without one.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if not DEBUG else "insecure-embedded-demo-key-change-me")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "guardian",
    "simple_history",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "huey.contrib.djhuey",
    "common",
    "org",
    "editorial",
    "notifications",
    "coordination",
    "reporting",
    "broadcast",
    "outreach",
    "feedback",
    "workflows",
    "ops",
    "ninja",  # serves the API docs page's own Swagger UI files (no CDN)
    "api",
    "dashboard",
    "config",  # last: its ready() runs after every other app's
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # history rows name the request user
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a login refused for too many failures into the lockout page. Not last as axes suggests: outside the
    # sync-only middleware below it runs on the sync path under daphne too (its async path passes the arguments
    # of AXES_LOCKOUT_CALLABLE wrongly in 8.3.1).
    "axes.middleware.AxesMiddleware",
    "workflows.middleware.WorkflowErrorsMiddleware",
    "workflows.middleware.EnginePagesMiddleware",
    "common.logs.RequestLogMiddleware",
    "common.middleware.IdRangeMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing, and start write transactions eagerly.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file (not :memory:) so that live-server and websocket tests share it across threads; TEST_DB_NAME lets
    # parallel runs on one machine keep apart.
    TEST_DB_NAME = env.str("TEST_DB_NAME", default=str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3"))
    DATABASES["default"].setdefault("TEST", {})["NAME"] = TEST_DB_NAME
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_database(url: str, offset: int) -> str:
    """`url` naming the Redis database `offset` after its own (redis://host:6379/5, 1 -> redis://host:6379/6)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + offset}"))


REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and TEST_WORKER and os.environ.get("TTCS_REDIS_WORKER") != TEST_WORKER:
    # Worker gwN uses databases 2N and 2N+1 after REDIS_URL's (the cache takes the second, below). Written back to
    # the environment (with a marker), so the processes a test starts inherit it instead of shifting it again.
    REDIS_URL = os.environ["REDIS_URL"] = redis_database(REDIS_URL, 2 * int(TEST_WORKER.removeprefix("gw")))
    os.environ["TTCS_REDIS_WORKER"] = TEST_WORKER
# The cache has a database of its own: Django's cache.clear() empties its whole database (FLUSHDB), which would
# take huey's queue and the relays' channel-layer group with it (live pushes stopped until a relay renewed).
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", default=redis_database(REDIS_URL, 1) if REDIS_URL else "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 drops idle sockets at its 5 s default; capacity over the default 100 so a burst
                # to one channel is not silently dropped. Browser sockets use no Redis connection of their
                # own (one relay per process receives for them: notifications/push.py).
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 10}],
                "capacity": 5000,
                "expiry": 60,
                # The only group is the serving processes' relays (notifications/push.py), which renew their
                # membership every 10 minutes: a process that died is forgotten within the hour.
                "group_expiry": 3600,
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}}
    HUEY = {
        # The "expire" flavour stores each key on its own, so a periodic job's lock (lock_task) can carry a
        # TTL on any Redis version (RedisHuey needs hash-field TTL, Redis 7.4+): a consumer killed while it
        # holds one does not stop that job on every other consumer for good. Results expire after a day.
        "huey_class": "huey.RedisExpireHuey",
        "name": "ttcs",
        "immediate": False,
        "connection": {"url": REDIS_URL},
        "consumer": {"workers": env.int("HUEY_WORKERS", default=4), "worker_type": "thread"},
    }
else:
    # The stock in-memory layer, made safe for the embedded huey threads that send to daphne's sockets.
    # A burst of a thousand notify() calls is a thousand messages on the one relay channel: capacity as above.
    CHANNEL_LAYERS = {"default": {"BACKEND": "notifications.layers.ThreadSafeInMemoryChannelLayer",
                                  "CONFIG": {"capacity": 5000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ttcs",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        # SQLite is polled, and huey backs off to a poll every 10 s when idle: a fan-out queued after a quiet
        # minute (and the notifications it sends) waited that long. Polling once a second at most costs little.
        # SQLite keys cannot expire: a lock left by a killed process is cleared when the (only) consumer starts.
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread", "max_delay": 1.0,
                     "flush_locks": True},
    }
HUEY["immediate"] = env.bool("HUEY_IMMEDIATE", default=HUEY["immediate"])
# Background work is at-least-once: huey drops a job whose worker dies, so every periodic job's lock expires
# (seconds; None on SQLite, see above) and the reconcilers re-enqueue work whose visible state has said
# "in progress" for longer than these grace periods (seconds). Tests and the kill test shorten them.
HUEY_LOCK_TTL = env.int("HUEY_LOCK_TTL", default=600) if REDIS_URL else None
FAN_OUT_GRACE_SECONDS = env.int("FAN_OUT_GRACE_SECONDS", default=300)
AUDIO_QUEUED_GRACE_SECONDS = env.int("AUDIO_QUEUED_GRACE_SECONDS", default=300)
# Longer than a rendering may take (editorial.speech times espeak-ng and Piper out after 300 s).
AUDIO_RENDER_LEASE_SECONDS = env.int("AUDIO_RENDER_LEASE_SECONDS", default=900)
# A claimed Zalo message is invisible to other workers this long; a worker that died mid-send is retried after.
ZALO_CLAIM_LEASE_SECONDS = env.int("ZALO_CLAIM_LEASE_SECONDS", default=300)
# Likewise for a notification email (claimed, then sent within seconds).
EMAIL_CLAIM_LEASE_SECONDS = env.int("EMAIL_CLAIM_LEASE_SECONDS", default=600)

# IP loudspeaker clusters (broadcast/): the MQTT broker the gateway uses (off when empty: the embedded default),
# how long a cluster may stay silent before it is "offline", how long a gateway's claim on a command lasts.
MQTT_URL = env.str("MQTT_URL", default="")
PRODUCT_VERSION = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
# Operations (ops/): each consumer process beats this often (/readyz calls it stopped after three missed beats);
# /metrics answers these addresses, or any address presenting METRICS_TOKEN as a bearer token when one is set.
OPS_HEARTBEAT_SECONDS = env.int("OPS_HEARTBEAT_SECONDS", default=5)
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
CLUSTER_OFFLINE_MINUTES = env.int("CLUSTER_OFFLINE_MINUTES", default=10)
COMMAND_CLAIM_LEASE_SECONDS = env.int("COMMAND_CLAIM_LEASE_SECONDS", default=30)

# E-boards (api/eboards.py): seconds per bulletin in the rotation, seconds between content refreshes, how many
# bulletins they rotate, and how long a published bulletin without an air window end stays on them (days).
EBOARD_ROTATE_SECONDS = env.int("EBOARD_ROTATE_SECONDS", default=15)
EBOARD_REFRESH_SECONDS = env.int("EBOARD_REFRESH_SECONDS", default=120)
EBOARD_MAX_ITEMS = env.int("EBOARD_MAX_ITEMS", default=20)
EBOARD_MAX_AGE_DAYS = env.int("EBOARD_MAX_AGE_DAYS", default=14)

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before a password is checked
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Login throttling (django-axes, org/login.py): failures are counted per username and per client address over
# the cool-off; at LOGIN_FAILURE_LIMIT failures the username is locked, at LOGIN_ADDRESS_FAILURE_LIMIT the address
# (higher: a whole office may share one address). Each failure during a lockout extends it. An administrator
# unlocks in admin ("Người dùng" → "Mở khóa đăng nhập", or delete the access attempts) or with
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`. Behind a proxy, run daphne with --proxy-headers
# so that the address is the browser's, not the proxy's.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "org.login.LoginAttemptsHandler"
AXES_LOCKOUT_CALLABLE = "org.login.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "config.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Every file a unit uploads (and every recording) lives here, under random names, and no URL serves this folder:
# downloads go through the owning app's views (common/files.py). MEDIA_ROOT above holds nothing of ours.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# django-sendfile2: "simple" streams from Django (embedded profile); "nginx" answers X-Accel-Redirect to
# SENDFILE_URL, an `internal` location of the proxy aliased to PRIVATE_MEDIA_ROOT (production).
SENDFILE_BACKEND = {"simple": "django_sendfile.backends.simple", "nginx": "django_sendfile.backends.nginx"}.get(
    env.str("SENDFILE_BACKEND", default="simple"), env.str("SENDFILE_BACKEND", default="simple"))
SENDFILE_ROOT = os.path.abspath(PRIVATE_MEDIA_ROOT)
SENDFILE_URL = env.str("SENDFILE_URL", default="/protected-files")
# Bodies above this are answered 413 before the application reads them (common/asgi.py); the proxy's
# client_max_body_size should say the same.
REQUEST_MAX_BODY_MB = env.int("REQUEST_MAX_BODY_MB", default=100)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" + str(VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
# Citizens' feedback: the unit "forward to the Department" sends an item to (a division's code), and how many
# items one address may send from the public pages per hour.
FEEDBACK_DEPARTMENT_UNIT = env.str("FEEDBACK_DEPARTMENT_UNIT", default="SVHTT-TTBCXB")
FEEDBACK_RATE_LIMIT_PER_HOUR = env.int("FEEDBACK_RATE_LIMIT_PER_HOUR", default=5)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ttcs@svhtt.hanoi.gov.vn")
# Who hears of a background job that failed for good: "Tên <thu@...>,..." (empty: nobody).
ADMINS = [tuple(part.strip() for part in a.strip().rstrip(">").split("<", 1)) if "<" in a else ("", a.strip())
          for a in env.list("ADMINS", default=[]) if a.strip()]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Zalo group delivery: "" (unconfigured: deliveries fail with a clear reason), "file" (writes JSON files under
# ZALO_OUTBOX_DIR, for the demo), "api" (Zalo OA with ZALO_OA_ACCESS_TOKEN), or a dotted path to a sender class.
ZALO_SENDER = env.str("ZALO_SENDER", default="file" if DEBUG else "")
ZALO_OA_ACCESS_TOKEN = env.str("ZALO_OA_ACCESS_TOKEN", default="")
ZALO_GROUP_MESSAGE_URL = env.str("ZALO_GROUP_MESSAGE_URL", default="")
ZALO_OUTBOX_DIR = env.str("ZALO_OUTBOX_DIR", default=str(VAR_DIR / "zalo"))
# Propagandists' channels (outreach/senders.py): "file" writes each message under OUTREACH_OUTBOX_DIR (the demo),
# "" leaves the channel off (messages fail with a clear reason), or a dotted path names a carrier's sender.
OUTREACH_SMS_SENDER = env.str("OUTREACH_SMS_SENDER", default="file" if DEBUG else "")
OUTREACH_ZALO_SENDER = env.str("OUTREACH_ZALO_SENDER", default="file" if DEBUG else "")
OUTREACH_OUTBOX_DIR = env.str("OUTREACH_OUTBOX_DIR", default=str(VAR_DIR / "outreach"))
OUTREACH_REMINDER_HOURS = env.int("OUTREACH_REMINDER_HOURS", default=24)
# Absolute links in notification emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Production hardening: on unless DEBUG (the embedded demo runs over plain http on 127.0.0.1).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp), on every profile so the browser tests see what production sends: only
# this origin's own files. No inline script, eval or handler: scripts are static files that read data-*
# attributes. Stylesheets are files too; a <style> element needs the response's nonce (Turbo's progress bar
# reads it from <meta name="csp-nonce">). Style attributes stay allowed: viewflow's Material templates and
# Turbo's progress bar use them, and an attribute holds no selector (the CSS injection that reads a page needs
# one). Websockets to the same host ('self' covers ws:/wss: of this origin in CSP 3), nothing framed, plugins
# off. Audio previews and charts use blob:/data: URLs the page made itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "style-src-elem": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page of the product uses (common/middleware.py sends it).
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=()")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "common.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"},
                 "json": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # one JSON line per request and per job (common/logs.py, ops/jobs.py); REQUEST_LOG=off silences requests
        "ttcs.request": {"handlers": ["json"], "propagate": False,
                         "level": "INFO" if env.bool("REQUEST_LOG", default=True) else "WARNING"},
        "ttcs.job": {"handlers": ["json"], "propagate": False, "level": "INFO"},
    },
}

# Demo accounts share this password; seed_demo refuses to run when DEBUG is off.
DEMO_PASSWORD = "hanoi2025"
