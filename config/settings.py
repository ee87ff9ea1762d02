"""Settings for both profiles: embedded default (SQLite, in-memory channels, huey on SQLite) and
production (PostgreSQL via DATABASE_URL, Redis via REDIS_URL). Every value comes from the environment."""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

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
    "viewflow",
    "viewflow.workflow",
    "huey.contrib.djhuey",
    "org",
    "editorial",
    "notifications",
    "coordination",
    "workflows",
    "config",  # last: its ready() runs after every other app's
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workflows.middleware.WorkflowErrorsMiddleware",
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

REDIS_URL = env.str("REDIS_URL", default="")
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
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
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
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread", "max_delay": 1.0},
    }
HUEY["immediate"] = env.bool("HUEY_IMMEDIATE", default=HUEY["immediate"])

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

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
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" + str(VAR_DIR / "mail"))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ttcs@svhtt.hanoi.gov.vn")
# Zalo group delivery: "" (unconfigured: deliveries fail with a clear reason), "file" (writes JSON files under
# ZALO_OUTBOX_DIR, for the demo), "api" (Zalo OA with ZALO_OA_ACCESS_TOKEN), or a dotted path to a sender class.
ZALO_SENDER = env.str("ZALO_SENDER", default="file" if DEBUG else "")
ZALO_OA_ACCESS_TOKEN = env.str("ZALO_OA_ACCESS_TOKEN", default="")
ZALO_GROUP_MESSAGE_URL = env.str("ZALO_GROUP_MESSAGE_URL", default="")
ZALO_OUTBOX_DIR = env.str("ZALO_OUTBOX_DIR", default=str(VAR_DIR / "zalo"))
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

# Demo accounts share this password; seed_demo refuses to run when DEBUG is off.
DEMO_PASSWORD = "hanoi2025"
