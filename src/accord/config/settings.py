"""The only settings module. Embedded and production modes differ only by values (see env.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from accord.config import env as accord_env

CONFIG = accord_env.load()

BASE_DIR = Path(__file__).resolve().parent.parent  # src/accord
DATA_DIR = Path(CONFIG.str("DATA_DIR")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = CONFIG.bool("DEBUG")
# env.load() refuses production without a key; the fallback exists only in development.
SECRET_KEY = CONFIG.str("SECRET_KEY") or "accord-embedded-development-key-not-for-production"
ALLOWED_HOSTS = CONFIG.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = CONFIG.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "ninja",
    # accord.common comes before django_tasks_db: its `db_worker` (reconnects after a database
    # outage) replaces the library's (which exits).
    "accord.common",
    "django_tasks",
    "django_tasks_db",
    "accord.api",
    "accord.accounts",
    "accord.directory",
    "accord.partnerships",
    "accord.programmes",
    "accord.applications",
    "accord.matching",
    "accord.review",
    "accord.decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.accounts.security.StaffSessionMiddleware",
    "axes.middleware.AxesMiddleware",  # after authentication, as django-axes asks
    "accord.common.middleware.StyledNotFoundMiddleware",
    # innermost, so its process_exception sees a view's database error first: a calm 503
    "accord.common.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "accord.config.urls"
WSGI_APPLICATION = "accord.config.wsgi.application"

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
                "accord.common.context_processors.accord",
            ],
        },
    }
]

if CONFIG.str("DATABASE_URL"):
    DATABASES = {"default": accord_env.database_config(CONFIG.str("DATABASE_URL"))}
    # A web worker keeps its connection (a new one costs 7-16 ms on the 2-core bench machine,
    # on every request), checked before each request reuses it: after a database restart the
    # request gets a new connection, not an error.
    DATABASES["default"]["CONN_MAX_AGE"] = int(CONFIG.str("DATABASE_CONN_MAX_AGE"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "accord.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
                # Wait up to 20 s (not SQLite's 5 s) for another process's write to finish
                # before "database is locked": writes are short, but a loaded machine is slow.
                "timeout": 20,
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work"  # the signed-in user's own work (accord.common.views.WorkView)
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id first (OWASP parameters, see accounts/hashers.py); the others only read (and upgrade
# on sign-in) passwords hashed before.
PASSWORD_HASHERS = [
    "accord.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Failed sign-ins (site and /admin/) are throttled by django-axes per account and per address:
# after AXES_FAILURE_LIMIT failures either is refused (429) for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accord.accounts.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "accord.accounts.security.client_ip"
AXES_VERBOSE = False
# Staff: an idle timeout always, and a second factor (TOTP) when the operator requires it.
ACCORD_STAFF_TOTP = CONFIG.bool("STAFF_TOTP")
ACCORD_STAFF_IDLE_MINUTES = int(CONFIG.str("STAFF_IDLE_MINUTES"))
OTP_TOTP_ISSUER = "Accord"
# The admin never shows a device's secret or QR code: an administrator reads, and reading a
# second factor's key would let them pass as its owner.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = CONFIG.str("LANGUAGE_CODE")
ACCORD_RUN_STALE_SECONDS = int(CONFIG.str("RUN_STALE_SECONDS"))
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = CONFIG.str("TIME_ZONE")
USE_TZ = True
# The two time zones every deadline and date that matters is shown in.
ACCORD_DISPLAY_TIME_ZONES = [("Europe/London", _("London")), ("Asia/Seoul", _("Seoul"))]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(CONFIG.str("STATIC_ROOT") or DATA_DIR / "static")
MEDIA_ROOT = Path(CONFIG.str("MEDIA_ROOT") or DATA_DIR / "media")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/_private/"  # never served directly: uploads are private, served only through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

vars().update(environ.Env.email_url_config(CONFIG.str("EMAIL_URL")))
DEFAULT_FROM_EMAIL = CONFIG.str("DEFAULT_FROM_EMAIL")

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if CONFIG.str("TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production: HTTPS only. TLS ends at the proxy in front of gunicorn, which must set
# X-Forwarded-Proto (and drop any value a client sends).
SECURE_SSL_REDIRECT = not DEBUG
SECURE_PROXY_SSL_HEADER = None if DEBUG else ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Strict Content-Security-Policy: scripts and styles only from Accord's own static files (no
# inline script or style anywhere; htmx is vendored). Enforced in production; in development the
# same policy is report-only, so a violation shows in the browser console without hiding
# Django's debug pages.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
    # django-axes logs every sign-in at INFO; lock-outs are WARNING. WeasyPrint and fontTools (its
    # font subsetter) log every font and glyph table at INFO/DEBUG; only their warnings matter.
    "loggers": {
        name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools", "PIL", "pydyf")
    },
}
