"""Backups that keep the data as safe as the database does.

A backup is the database only: personal data stays AES-GCM ciphertext inside it, and the keys
(the data keys, the secret key) are never part of it. Without the keys a backup is unreadable,
so they must be kept separately — and backed up separately — by whoever runs the programme.

- SQLite: a consistent copy made with SQLite's online backup API (readers and writers go on),
  gzip-compressed.
- PostgreSQL: `pg_dump --format=custom` (consistent by snapshot, compressed), restored with
  `pg_restore` into an empty database.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections

GZIP_MAGIC = b"\x1f\x8b"
PGDUMP_MAGIC = b"PGDMP"
COPY_CHUNK = 1024 * 1024

KEYS_REMINDER = (
    "The backup holds personal data only as ciphertext and does not contain the keys. Keep the "
    "data keys (PAVE_DATA_KEYS, or data_keys in the data directory), the audit key "
    "(PAVE_AUDIT_KEY, or audit_key) and the secret key in a separate, safe place: without the "
    "data keys this backup cannot be read, by anyone; without the audit key its audit log "
    "cannot be verified."
)


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    vendor: str
    size: int


def _private_file(path: Path) -> Any:
    """Open `path` for writing with mode 0600 (it holds the whole database)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    return os.fdopen(fd, "wb")


def _pg_environment(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    return found


def backup_write(*, output: Path) -> BackupResult:
    """Write a consistent, compressed backup of the database to `output` (mode 0600)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        with tempfile.TemporaryDirectory() as scratch:
            copy_path = Path(scratch) / "copy.sqlite3"
            target = sqlite3.connect(copy_path)
            try:
                source.backup(target)  # SQLite's online backup API: a consistent snapshot
            finally:
                target.close()
            with (
                copy_path.open("rb") as raw,
                _private_file(output) as sink,
                gzip.GzipFile(fileobj=sink, mode="wb") as packed,
            ):
                shutil.copyfileobj(raw, packed, COPY_CHUNK)
    elif vendor == "postgresql":
        settings_dict = connection.settings_dict
        args, env = _pg_environment(settings_dict)
        with _private_file(output) as sink:
            done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                [_tool("pg_dump"), "--format=custom", *args, "--dbname", settings_dict["NAME"]],
                stdout=sink,
                stderr=subprocess.PIPE,
                env=env,
                check=False,
            )
        if done.returncode:
            output.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {done.stderr.decode(errors='replace').strip()}")
    else:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    return BackupResult(path=output, vendor=vendor, size=output.stat().st_size)


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(5)
    if head.startswith(GZIP_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a PAVE backup (neither an SQLite nor a pg_dump backup).")


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with sqlite3.connect(path) as probe:
        tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        return tables.fetchone()[0] == 0


def _postgresql_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0] == 0


def backup_restore(*, source: Path) -> str:
    """Restore the backup at `source` into the configured database, which must be empty;
    return the vendor. The caller verifies the audit log afterwards."""
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    kind, vendor = _kind(source), connection.vendor
    if kind != vendor:
        raise BackupError(f"This is a {kind} backup; the configured database is {vendor}.")
    if vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connections.close_all()
        if not _sqlite_is_empty(target):
            raise BackupError(f"{target} is not empty: restore into a new data directory.")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with gzip.open(source, "rb") as packed, _private_file(target) as sink:
            shutil.copyfileobj(packed, sink, COPY_CHUNK)
        return vendor
    if not _postgresql_is_empty():
        raise BackupError(
            f"Database {connection.settings_dict['NAME']} is not empty: create a new one."
        )
    settings_dict = connection.settings_dict
    args, env = _pg_environment(settings_dict)
    connections.close_all()
    done = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            "--dbname",
            settings_dict["NAME"],
            str(source),
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace').strip()}")
    return vendor
