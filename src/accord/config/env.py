"""Every Accord setting, documented once: its default, its ``ACCORD_*`` variable and what it does.

Values come from, in order: the defaults below ← an optional TOML file named by
``ACCORD_CONFIG`` (keys are the setting names in lower case, e.g. ``debug = true``) ← ``ACCORD_*``
environment variables. Embedded and production modes differ only by values.

Production is anything not explicitly development: unless ``ACCORD_DEBUG`` is true, Accord runs
in production mode and refuses to start without a secret key, with a mail backend that only
prints or files mail, or with a database URL it cannot use (the message names the variable and
the fix).
``accord.example.toml`` and README.md list the same settings; keep the three in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# name -> (default, one-line help). Defaults are the embedded mode.
SETTINGS: dict[str, tuple[object, str]] = {
    "DEBUG": (
        False,
        "Development mode, only when explicitly true (`make run` and the tests set it). "
        "Anything else is production: secret key, real mail and HTTPS required.",
    ),
    "SECRET_KEY": ("", "Django secret key. Required when DEBUG is off."),
    "DATA_DIR": ("var", "Folder for the embedded SQLite database, media and caches."),
    "DATABASE_URL": (
        "",
        "Another database, e.g. postgres://user:pass@host:5432/accord. Empty: SQLite in DATA_DIR.",
    ),
    "ALLOWED_HOSTS": ("127.0.0.1,localhost", "Comma-separated host names this site answers to."),
    "CSRF_TRUSTED_ORIGINS": (
        "",
        "Comma-separated origins (https://accord.example.org) behind a proxy.",
    ),
    "MEDIA_ROOT": ("", "Private uploaded files. Empty: DATA_DIR/media."),
    "STATIC_ROOT": ("", "Where collectstatic puts files. Empty: DATA_DIR/static."),
    "EMAIL_URL": (
        "consolemail://",
        "Outgoing mail, e.g. smtp+tls://user:pass@smtp.example.org:587.",
    ),
    "DEFAULT_FROM_EMAIL": ("accord@localhost", "Sender address of Accord's e-mails."),
    "TASKS": (
        "immediate",
        "Background tasks: 'immediate' (in-process) or 'database' (run `accord db_worker`).",
    ),
    "TIME_ZONE": (
        "UTC",
        "Server time zone. Dates are stored in UTC and shown in Europe/London and Asia/Seoul.",
    ),
    "LANGUAGE_CODE": ("en", "Default interface language: en or ko."),
    "DATABASE_CONN_MAX_AGE": (
        "0",
        "Seconds a web process keeps its database connection between requests (PostgreSQL; "
        "0: a new connection per request). The gunicorn settings make it 60 for web workers.",
    ),
    "RUN_STALE_SECONDS": (
        "300",
        "A background run with no heartbeat for this many seconds is marked failed (worker died).",
    ),
    "STAFF_TOTP": (
        False,
        "Require a second factor (an authenticator app, TOTP) of programme officers, the "
        "secretariat and administrators.",
    ),
    "STAFF_IDLE_MINUTES": (
        "30",
        "Sign officers, the secretariat and administrators out after this many idle minutes.",
    ),
}

# Mail backends that never deliver: in production a password-reset link would end in a log file.
UNDELIVERED_MAIL_SCHEMES = {"consolemail", "filemail", "memorymail", "dummymail"}
DATABASE_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
DATABASE_URL_EXAMPLE = "postgres://accord:password@127.0.0.1:5432/accord"


def database_config(url: str) -> dict[str, object]:
    """Django's DATABASES entry for ``url``, or ImproperlyConfigured naming ACCORD_DATABASE_URL."""
    import warnings

    import environ

    shown = url.replace(urlsplit(url).password or "\0", "***") if "://" in url else url

    def refuse(reason: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(
            f"ACCORD_DATABASE_URL {shown!r} is not a database URL Accord can use: {reason}. "
            f"Set it like {DATABASE_URL_EXAMPLE}, or leave it empty for SQLite in ACCORD_DATA_DIR."
        )

    if "://" not in url:
        raise refuse("it has no scheme (postgres:// or sqlite://)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config: dict[str, object] = dict(environ.Env.db_url_config(url))
    except (ValueError, KeyError) as exc:
        raise refuse(str(exc)) from exc
    if config.get("ENGINE") not in DATABASE_ENGINES:
        raise refuse(f"unknown scheme {urlsplit(url).scheme!r}; use postgres:// or sqlite://")
    if not config.get("NAME"):
        raise refuse("it names no database")
    return config


def _coerce(default: object, raw: object, name: str) -> object:
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ImproperlyConfigured(
            f"ACCORD_{name} must be true or false, not {raw!r}. Fix the variable or the config file."
        )
    return str(raw)


@dataclass(frozen=True)
class Config:
    values: dict[str, object]

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def str(self, name: str) -> str:
        return str(self.values[name])

    def bool(self, name: str) -> bool:
        return bool(self.values[name])

    def list(self, name: str) -> list[str]:
        return [part.strip() for part in str(self.values[name]).split(",") if part.strip()]


def load(environ: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if environ is None else environ)
    values = {name: default for name, (default, _help) in SETTINGS.items()}
    config_file = env.get("ACCORD_CONFIG")
    if config_file:
        path = Path(config_file)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ImproperlyConfigured(
                f"ACCORD_CONFIG names {path}, which does not exist."
            ) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ImproperlyConfigured(f"{path} is not valid TOML: {exc}") from exc
        for key, raw in data.items():
            name = key.upper()
            if name not in SETTINGS:
                known = ", ".join(k.lower() for k in SETTINGS)
                raise ImproperlyConfigured(
                    f"{path}: unknown setting {key!r}. Known settings: {known}."
                )
            values[name] = _coerce(SETTINGS[name][0], raw, name)
    for name, (default, _help) in SETTINGS.items():
        if f"ACCORD_{name}" in env:
            values[name] = _coerce(default, env[f"ACCORD_{name}"], name)
    config = Config(values)
    if not config.bool("DEBUG") and not config.str("SECRET_KEY"):
        raise ImproperlyConfigured(
            "ACCORD_SECRET_KEY is required when ACCORD_DEBUG is off (production is anything not "
            "explicitly development). Set it to a long random string, e.g. the output of: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'; "
            "or, on a developer's machine only, set ACCORD_DEBUG=true."
        )
    mail_scheme = config.str("EMAIL_URL").partition("://")[0]
    if not config.bool("DEBUG") and mail_scheme in UNDELIVERED_MAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"ACCORD_EMAIL_URL is {config.str('EMAIL_URL')!r}, which never delivers mail (password-"
            "reset links would be written to the server log). In production set it to your mail "
            "server, e.g. smtp+tls://user:password@smtp.example.org:587; "
            "or, on a developer's machine only, set ACCORD_DEBUG=true."
        )
    if config.str("DATABASE_URL"):
        database_config(config.str("DATABASE_URL"))
    if not config.str("DATABASE_CONN_MAX_AGE").isdigit():
        raise ImproperlyConfigured(
            f"ACCORD_DATABASE_CONN_MAX_AGE must be a whole number of seconds (0: close after "
            f"each request), not {config.str('DATABASE_CONN_MAX_AGE')!r}."
        )
    if not config.str("RUN_STALE_SECONDS").isdigit() or int(config.str("RUN_STALE_SECONDS")) < 30:
        raise ImproperlyConfigured(
            f"ACCORD_RUN_STALE_SECONDS must be a whole number of seconds, at least 30 "
            f"(three heartbeats), not {config.str('RUN_STALE_SECONDS')!r}."
        )
    if config.str("TASKS") not in {"immediate", "database"}:
        raise ImproperlyConfigured(
            f"ACCORD_TASKS must be 'immediate' or 'database', not {config.str('TASKS')!r}."
        )
    if not config.str("STAFF_IDLE_MINUTES").isdigit() or int(config.str("STAFF_IDLE_MINUTES")) < 1:
        raise ImproperlyConfigured(
            f"ACCORD_STAFF_IDLE_MINUTES must be a whole number of minutes (1 or more), not "
            f"{config.str('STAFF_IDLE_MINUTES')!r}."
        )
    if config.str("LANGUAGE_CODE") not in {"en", "ko"}:
        raise ImproperlyConfigured("ACCORD_LANGUAGE_CODE must be 'en' or 'ko'.")
    return config
