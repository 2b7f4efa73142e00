"""Backup and restore of everything Accord keeps: the database and the media folder, together.

A backup is a folder ``accord-backup-<UTC time>/`` with

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite:
  the online-backup API, a consistent copy even while Accord runs);
- ``media/``: every uploaded document and award letter, as stored;
- ``manifest.json``: when, which Accord, which database, the applied migrations, and the size
  and SHA-256 of every file above.

The database is copied first, then the media folder: stored files are never deleted by Accord,
so every file the copied database refers to is in the backup (a file uploaded in between is
kept too, unreferenced).

``restore_backup`` checks every checksum before it touches anything, then replaces the database
(``pg_restore --clean --single-transaction``, or the online-backup API the other way) and the
media folder (written beside the live one, then swapped in).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

import accord

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup could not be made or restored; the message says what to fix."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database_bytes: int
    files: int
    media_bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def postgres_binary(name: str) -> str:
    """``pg_dump``/``pg_restore``: ``ACCORD_PG_BIN``, else the PATH, else the newest Debian one."""
    folder = os.environ.get("ACCORD_PG_BIN")
    if folder:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
        raise BackupError(f"{candidate} does not exist: set ACCORD_PG_BIN to the folder of {name}")
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return versions[-1]
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client (e.g. apt install "
        f"postgresql-client-15) or set ACCORD_PG_BIN to the folder that holds {name}"
    )


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}"
        )


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def make_backup(destination: Path) -> BackupSummary:
    """Write a complete backup folder under ``destination`` and return what it holds."""
    now = dt.datetime.now(dt.UTC)
    folder = Path(destination) / f"accord-backup-{now:%Y%m%dT%H%M%SZ}"
    if folder.exists():
        raise BackupError(f"{folder} already exists: wait a second or choose another folder")
    folder.mkdir(parents=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database = folder / "database.dump"
        args, env = _pg_args_env()
        _run(
            [
                postgres_binary("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(database),
                *args,
            ],
            env,
        )
    elif vendor == "sqlite":
        database = folder / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(database)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:  # pragma: no cover - Accord runs on PostgreSQL or SQLite only
        raise BackupError(f"backups of {vendor} databases are not supported")

    media = _media_root()
    files = []
    for source in _media_files(media):
        relative = source.relative_to(media)
        copy = folder / "media" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        files.append(
            {"path": relative.as_posix(), "bytes": copy.stat().st_size, "sha256": sha256_of(copy)}
        )
    migrations = sorted(
        MigrationRecorder(connection).applied_migrations()  # type: ignore[arg-type]
    )
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "accord_version": getattr(accord, "__version__", ""),
        "database": {
            "vendor": vendor,
            "file": database.name,
            "bytes": database.stat().st_size,
            "sha256": sha256_of(database),
        },
        "migrations": [f"{app}.{name}" for app, name in migrations],
        "media": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return BackupSummary(
        path=folder,
        database_bytes=manifest["database"]["bytes"],  # type: ignore[index]
        files=len(files),
        media_bytes=sum(f["bytes"] for f in files),  # type: ignore[misc]
    )


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, after checking every file it lists against its checksum."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} is not an Accord backup: it has no {MANIFEST}")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    checks = [(folder / manifest["database"]["file"], manifest["database"])]
    checks += [(folder / "media" / f["path"], f) for f in manifest["media"]]
    problems = []
    for file, entry in checks:
        if not file.exists():
            problems.append(f"missing: {file}")
        elif file.stat().st_size != entry["bytes"] or sha256_of(file) != entry["sha256"]:
            problems.append(f"damaged (checksum differs): {file}")
    if problems:
        raise BackupError(
            "the backup is incomplete or damaged; nothing was restored:\n  " + "\n  ".join(problems)
        )
    return manifest


def restore_backup(folder: Path) -> dict[str, Any]:
    """Replace the database and the media folder by the backup's; returns its manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the backup holds a {vendor} database but Accord is configured for "
            f"{connection.vendor}: set ACCORD_DATABASE_URL to a {vendor} database"
        )
    database = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        connections.close_all()
        args, env = _pg_args_env()
        _run(
            [
                postgres_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(database),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(database)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    media = _media_root()
    incoming = media.with_name(media.name + ".restoring")
    outgoing = media.with_name(media.name + ".replaced")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    incoming.mkdir(parents=True)
    for entry in manifest["media"]:
        target = incoming / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "media" / entry["path"], target)
    if media.exists():
        media.rename(outgoing)
    incoming.rename(media)
    if outgoing.exists():
        shutil.rmtree(outgoing)
    return manifest
