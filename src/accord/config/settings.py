"""The only settings module. Embedded and production modes differ only by values (see env.py)."""

from __future__ import annotations

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from accord.config import env as accord_env

CONFIG = accord_env.load()

BASE_DIR = Path(__file__).resolve().parent.parent  # src/accord
DATA_DIR = Path(CONFIG.str("DATA_DIR")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = CONFIG.bool("DEBUG")
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
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "accord.common",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.common.middleware.StyledNotFoundMiddleware",
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
    DATABASES = {"default": environ.Env.db_url_config(CONFIG.str("DATABASE_URL"))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "accord.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work"  # the signed-in user's own work (accord.common.views.WorkView)
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = CONFIG.str("LANGUAGE_CODE")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}
