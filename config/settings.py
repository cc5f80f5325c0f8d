"""Django settings for Kefu, read from ``KEFU_*`` environment variables.

Every variable is documented in docs/operations.md. Defaults give the embedded mode: SQLite and
the Huey queue in a data folder, no Redis, zh-hans, Asia/Shanghai.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import data_dir, env_bool, env_choice, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = env_list("KEFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("KEFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "kefu.core.apps.KefuAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "bootstrap",
    "axes",
    "huey.contrib.djhuey",
    "ninja",
    "kefu.core",
    "kefu.org",
    "kefu.customers",
    "kefu.tickets",
    "kefu.sla",
    "kefu.kb",
    "kefu.audit",
    "kefu.notifications",
    "kefu.callbacks",
]
if env_bool("KEFU_BENCH", False):  # benchmark runs only: the reference endpoint of bench/
    INSTALLED_APPS += ["kefu.bench"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.core.middleware.LanguageMiddleware",
    "kefu.audit.context.AuditContextMiddleware",  # who acted, from where (R-SEC-3)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "kefu.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
_database_url = env_str("KEFU_DATABASE_URL", f"sqlite:///{DATA_DIR / 'kefu.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("KEFU_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so that
    # two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # SQLite connections are cheap and must not be shared across threads.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("KEFU_NUMBERS_OWN_CONNECTION", True):
    # Order numbers come from a connection of their own that commits each step of a counter at
    # once, so concurrent creators do not queue on the counter row until the order commits (see
    # kefu/tickets/numbering.py). Its commits need not wait for the disk: an order that commits
    # durably flushes the WAL up to and including the counter step it used.
    DATABASES["numbers"] = {
        **DATABASES["default"],
        "OPTIONS": {
            **DATABASES["default"].get("OPTIONS", {}),
            "options": "-c synchronous_commit=off",
        },
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and queue ---------------------------------------------------------------
REDIS_URL = env_str("KEFU_REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kefu",
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("KEFU_QUEUE_NAME", "kefu"),
        "url": REDIS_URL,
        "immediate": False,
        "utc": False,  # periodic jobs run on the center's clock; `kefu worker` sets TZ
        "consumer": {"workers": env_int("KEFU_WORKER_THREADS", 2), "worker_type": "thread"},
    }
else:
    # The file cache is shared by every process on this machine (web workers and the worker).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env_str("KEFU_QUEUE_NAME", "kefu"),
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        "utc": False,
        "consumer": {"workers": env_int("KEFU_WORKER_THREADS", 2), "worker_type": "thread"},
    }

# --- Accounts, sessions, lockout ----------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kefu.core.backends.LoginBackend",
    "kefu.core.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("employee_no", "name", "phone", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("KEFU_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A shift is eight hours; a session lasts a shift plus overtime and ends when the browser closes.
SESSION_COOKIE_AGE = env_int("KEFU_SESSION_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KEFU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("KEFU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KEFU_LOGIN_LOCKOUT_MINUTES", 30))
# Lock the account that is being guessed, wherever the guesses come from: call centers sit
# behind one NAT address, so locking by IP would lock out the whole floor.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # the warning asks for IP locking, refused above
AXES_RESET_ON_SUCCESS = True
# The login form posts the employee number as "username"; without this axes looks for the
# user model's login field (employee_no), finds nothing and records no failure at all.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("KEFU_PROXY_COUNT", 0)

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_int("KEFU_PROXY_COUNT", 0) > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language and time --------------------------------------------------------------------
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = env_str("KEFU_LANGUAGE", "zh-hans")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("KEFU_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STATICFILES_DIRS = [BASE_DIR / "kefu" / "core" / "assets"]
# Serve straight from the installed packages, so the embedded mode needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env_str("KEFU_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# --- E-mail -------------------------------------------------------------------------------
# SMTP when KEFU_EMAIL_HOST is set, the console otherwise; KEFU_EMAIL_BACKEND overrides both.
EMAIL_HOST = env_str("KEFU_EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "KEFU_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("KEFU_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("KEFU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("KEFU_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KEFU_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("KEFU_EMAIL_USE_SSL", False)
if EMAIL_USE_SSL:
    EMAIL_USE_TLS = False  # Django refuses both at once; implicit TLS (port 465) wins
EMAIL_TIMEOUT = env_int("KEFU_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("KEFU_DEFAULT_FROM_EMAIL", "kefu@localhost")
# The address staff open Kefu at (https://kefu.example.cn), for the links in e-mails.
KEFU_BASE_URL = env_str("KEFU_BASE_URL", "")
# SMS gateway plug-in (kefu.notifications.sms): the default sends nothing and says so.
KEFU_SMS_BACKEND = env_str("KEFU_SMS_BACKEND", "kefu.notifications.sms.NotConfiguredBackend")

# --- Logging ------------------------------------------------------------------------------


class _ClientErrorsInOneLine(logging.Filter):
    """Django logs a PermissionDenied (403) with the exception attached, so every refused
    request printed a full traceback and buried the real errors. A 4xx response is the client's
    business: one WARNING line (the level Django gives it); a 5xx keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


LOG_LEVEL = env_choice("KEFU_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors_in_one_line": {"()": _ClientErrorsInOneLine}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Filters on a logger apply to what is logged on it: django.request's 4xx/5xx lines.
        "django.request": {"filters": ["client_errors_in_one_line"]},
    },
}

# --- API ----------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
