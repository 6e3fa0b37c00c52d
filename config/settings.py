"""PAVE settings: one module, every value from the environment (the README's Configuration
table). Tests use config/test_settings.py."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import local_files
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Importing these settings writes nothing: the data directory and the keys generated into it
# on a laptop install are created by `pave migrate` / `pave serve` (see pave/__main__.py).
# Tests use config/test_settings.py, which points this at a temporary directory.
DATA_DIR = local_files.data_dir()

DEBUG = env_bool("PAVE_DEBUG", False)

# The configured key, or the one generated into the data directory (laptop installs). Empty
# until then: Django refuses to sign anything with it, and `check --deploy` says so.
SECRET_KEY = env_str("PAVE_SECRET_KEY") or local_files.secret_key_read(DATA_DIR)
ALLOWED_HOSTS = env_list("PAVE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("PAVE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "pave.core",
    "pave.privacy",
    "pave.interop",
    "pave.accounts",
    "pave.cases",
    "pave.screening",
    "pave.assistance",
    "pave.referrals",
    "pave.notifications",
    "pave.training",
    "pave.monitoring",
    "pave.audit",
    "pave.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pave.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (the CSRF check does): 413 on Content-Length alone.
    "pave.core.uploads.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pave.core.middleware.RefuseNulMiddleware",
    "pave.core.middleware.SameOriginFormPostMiddleware",  # for no-referrer: see its docstring
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pave.core.middleware.ClientAddressMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pave" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pave.navigation.pave",
                "pave.notifications.context_processors.notifications",
            ],
        },
    }
]


def _databases() -> dict:
    url = env_str("PAVE_DATABASE_URL")
    if url:
        database = dj_database_url.parse(url, conn_max_age=env_int("PAVE_DB_CONN_MAX_AGE", 60))
        database["CONN_HEALTH_CHECKS"] = True
        return {"default": database}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "pave.sqlite3",
            # IMMEDIATE: writers queue instead of failing with "database is locked" under
            # concurrent requests; WAL lets readers continue while one writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # Reads through a memory map instead of a copy per page: a fifth faster on
                # the reports' full scans (bench/RESULTS-reports.md). Address space only.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA mmap_size={env_int('PAVE_SQLITE_MMAP_MB', 1024) * 1024 * 1024};",
            },
            # A file, not memory, so the encryption-at-rest test can read the bytes on disk.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "pave.accounts.backends.PaveBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address pair after repeated failures, and
# an address after more failures across usernames (password spraying; 0 turns that off).
AXES_FAILURE_LIMIT = env_int("PAVE_LOGIN_FAILURE_LIMIT", 5)
PAVE_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("PAVE_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("PAVE_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "pave.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The address is the one the audit log records (trusted proxies only, see below).
AXES_CLIENT_IP_CALLABLE = "pave.core.middleware.request_client_address"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "pave" / "locale"]
FORMAT_MODULE_PATH = ["pave.core.formats"]
TIME_ZONE = env_str("PAVE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "pave" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names from `collectstatic`'s manifest; until it has been run, the
    # plain names, served from the source tree (pave.core.staticfiles).
    "staticfiles": {"BACKEND": "pave.core.staticfiles.ManifestOrSourceStorage"},
}
STATIC_MANIFEST = STATIC_ROOT / "staticfiles.json"
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_MANIFEST.exists()

# Uploads (docs/security.md, "Uploads"): a request body over PAVE_MAX_UPLOAD_MB is refused
# with 413 on its Content-Length, unread (pave.core.uploads). Files stay in memory up to that
# size, never in a clear-text temporary file (sign-in sheets hold names and phone numbers);
# form fields up to 5 MB (the checked sign-in sheet travels sealed in a hidden field).
PAVE_MAX_UPLOAD_MB = env_int("PAVE_MAX_UPLOAD_MB", 10)
PAVE_MAX_REQUEST_BYTES = PAVE_MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = min(5 * 1024 * 1024, PAVE_MAX_REQUEST_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = PAVE_MAX_REQUEST_BYTES
FILE_UPLOAD_HANDLERS = [
    "pave.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Security: secure cookies whenever served over HTTPS (PAVE_HTTPS=true in production).
HTTPS = env_bool("PAVE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and not env_bool("PAVE_SSL_TERMINATED_UPSTREAM", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("PAVE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Shared computers: sessions end with the browser and after inactivity.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("PAVE_SESSION_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
# No Referer at all: a URL must never carry personal data to another page or site (issue 12).
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Personal-data encryption keys: "id:base64key,..." — the first encrypts, all decrypt.
PAVE_DATA_KEYS = env_str("PAVE_DATA_KEYS")
PAVE_KEYS_FILE = DATA_DIR / local_files.DATA_KEYS_FILE
# The audit log's HMAC key (never in the database): PAVE_AUDIT_KEY (32+ characters), else the
# file PAVE_AUDIT_KEY_FILE, generated once into the data directory by the setup commands.
# (Read directly: env_str would read PAVE_AUDIT_KEY_FILE at import, before PAVE can say which
# key is missing.)
PAVE_AUDIT_KEY = os.environ.get("PAVE_AUDIT_KEY", "")
PAVE_AUDIT_KEY_FILE = Path(
    os.environ.get("PAVE_AUDIT_KEY_FILE") or DATA_DIR / local_files.AUDIT_KEY_FILE
)
# Where `pave audit checkpoint` (and every `pave audit verify`) anchors the chain's head.
PAVE_AUDIT_CHECKPOINT_FILE = Path(
    env_str("PAVE_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / local_files.AUDIT_CHECKPOINT_FILE))
)
# Anonymous certificate checks (/verify/<code>/): at most this many per client address per
# window, counted in the database so that every worker process shares the count.
PAVE_VERIFY_RATE_LIMIT = env_int("PAVE_VERIFY_RATE_LIMIT", 30)
PAVE_VERIFY_RATE_WINDOW_SECONDS = env_int("PAVE_VERIFY_RATE_WINDOW_SECONDS", 600)
# Behind a load balancer: the client address (audit log, login throttling) is the one the
# trusted proxies appended to X-Forwarded-For, PAVE_TRUSTED_PROXY_COUNT entries from the
# right; what a client writes into the header itself is ignored. Off: the socket's address.
PAVE_TRUST_X_FORWARDED_FOR = env_bool("PAVE_TRUST_X_FORWARDED_FOR", False)
PAVE_TRUSTED_PROXY_COUNT = env_int("PAVE_TRUSTED_PROXY_COUNT", 1)
# API tokens expire after this many days (`pave token create --days` for another lifetime).
PAVE_TOKEN_DAYS = env_int("PAVE_TOKEN_DAYS", 90)
PAVE_PORT = env_int("PAVE_PORT", 8000)
# Safe outputs: counts below this are suppressed in anything that leaves the organisation.
PAVE_SUPPRESSION_THRESHOLD = env_int("PAVE_SUPPRESSION_THRESHOLD", 5)
# Extra screening instruments: every *.yaml file here is loaded in addition to the shipped ones.
PAVE_INSTRUMENTS_DIR = env_str("PAVE_INSTRUMENTS_DIR")
# A referral not answered within this many days after it was sent is flagged overdue.
PAVE_REFERRAL_RESPONSE_DAYS = env_int("PAVE_REFERRAL_RESPONSE_DAYS", 5)

# Background work: Django's tasks framework with its ORM-backed queue, in the same database as
# everything else (no broker to run). `pave worker` runs the tasks and schedules the periodic
# ones (see docs/architecture.md, "Background work").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail: through the SMTP server PAVE_EMAIL_HOST when set, else printed on the console
# (laptop installs, the demo). PAVE_EMAIL_BACKEND overrides either (a Django backend path).
EMAIL_HOST = env_str("PAVE_EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "PAVE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_USE_SSL = env_bool("PAVE_EMAIL_USE_SSL", False)
# STARTTLS unless the connection is TLS from the start (SSL) or explicitly turned off.
EMAIL_USE_TLS = env_bool("PAVE_EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("PAVE_EMAIL_USE_TLS and PAVE_EMAIL_USE_SSL exclude each other")
EMAIL_PORT = env_int("PAVE_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = env_str("PAVE_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("PAVE_EMAIL_HOST_PASSWORD")  # or PAVE_EMAIL_HOST_PASSWORD_FILE
EMAIL_TIMEOUT = env_int("PAVE_EMAIL_TIMEOUT", 10)  # seconds: a slow server never hangs a worker
DEFAULT_FROM_EMAIL = env_str("PAVE_FROM_EMAIL", "pave@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where users reach PAVE (e.g. https://pave.example.org): e-mails link to it; without it their
# links are paths only, which a mail client cannot open.
PAVE_BASE_URL = env_str("PAVE_BASE_URL", "").rstrip("/")

# No log line holds a URL's query string or an SQL parameter (issue 12): every handler strips
# query strings (pave.core.logfilters), runserver's request lines (`django.server`) go through
# the same filtered handler, and SQL with its parameters (DEBUG only) is never logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_strings": {"()": "pave.core.logfilters.StripQueryStrings"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["strip_query_strings"]},
    },
    "root": {"handlers": ["console"], "level": env_str("PAVE_LOG_LEVEL", "WARNING")},
    "loggers": {
        # Replaces Django's default handlers (an unfiltered console, mail to ADMINS with the
        # whole request): django.request, django.security, … are written through ours.
        "django": {
            "handlers": ["console"],
            "level": env_str("PAVE_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
