"""Every Accord setting, documented once: its default, its ``ACCORD_*`` variable and what it does.

Values come from, in order: the defaults below ← an optional TOML file named by
``ACCORD_CONFIG`` (keys are the setting names in lower case, e.g. ``debug = true``) ← ``ACCORD_*``
environment variables. Embedded and production modes differ only by values.
``accord.example.toml`` and README.md list the same settings; keep the three in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# name -> (default, one-line help). Defaults are the embedded mode.
SETTINGS: dict[str, tuple[object, str]] = {
    "DEBUG": (True, "Development mode. Off in production; then SECRET_KEY is required."),
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
    "RUN_STALE_SECONDS": (
        "300",
        "A background run with no heartbeat for this many seconds is marked failed (worker died).",
    ),
}


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
            "ACCORD_SECRET_KEY is required when ACCORD_DEBUG is off. Set it to a long random "
            "string, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
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
    if config.str("LANGUAGE_CODE") not in {"en", "ko"}:
        raise ImproperlyConfigured("ACCORD_LANGUAGE_CODE must be 'en' or 'ko'.")
    return config
