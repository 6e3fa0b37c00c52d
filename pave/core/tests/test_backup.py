"""`pave backup` and `pave restore` through the real command line, as an operator runs them:
the demo programme is backed up, restored into a fresh database, and every table compared."""

from __future__ import annotations

import base64
import gzip
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

PAVE = [sys.executable, "-m", "pave"]


def _environment(data_dir: Path, keys: str, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAVE_", "DJANGO_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PAVE_DATA_DIR": str(data_dir),
        "PAVE_SECRET_KEY": "backup-test-secret-key-that-is-long-enough-0123456789",
        "PAVE_DATA_KEYS": keys,
        "PAVE_AUDIT_KEY": "backup-test-audit-key-0123456789-abcdefghijklmnop",
    }
    if database_url:
        env["PAVE_DATABASE_URL"] = database_url
    return env


def pave(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own command
        [*PAVE, *argv], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _key() -> str:
    return "k1:" + base64.b64encode(os.urandom(32)).decode()


def _sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}  # noqa: S608


def _same_but_the_last_audit_event(source: dict, restored: dict) -> None:
    """Every table equal; the audit log equal up to its last event, which records the backup
    in the source and the restore in the copy."""
    assert source.keys() == restored.keys()
    for table, rows in source.items():
        if table == "core_auditevent":
            assert rows[:-1] == restored[table][:-1]
            assert len(rows) == len(restored[table]) > 100
        else:
            assert rows == restored[table], table


def _assert_backup_is_safe(backup: Path, keys: str) -> None:
    raw = backup.read_bytes()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert keys.split(":", 1)[1].encode() not in raw  # the key is never in the backup


def test_sqlite_backup_restores_the_demo_table_for_table(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup runs in the SQLite pass; pg_dump's is tested below")
    keys = _key()
    source_env = _environment(tmp_path / "source", keys)
    assert pave(source_env, "migrate", "-v0").returncode == 0
    assert pave(source_env, "demo", "load").returncode == 0
    backup = tmp_path / "demo.sqlite3.gz"
    made = pave(source_env, "backup", "--output", str(backup))
    assert made.returncode == 0, made.stderr
    assert "does not contain the keys" in made.stdout
    _assert_backup_is_safe(backup, keys)
    inside = gzip.decompress(backup.read_bytes())
    assert inside.startswith(b"SQLite format 3") and keys.split(":", 1)[1].encode() not in inside

    restored_env = _environment(tmp_path / "restored", keys)
    done = pave(restored_env, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "audit log intact" in done.stdout
    _same_but_the_last_audit_event(
        _sqlite_tables(tmp_path / "source" / "pave.sqlite3"),
        _sqlite_tables(tmp_path / "restored" / "pave.sqlite3"),
    )
    # Inside the backup personal data is ciphertext, as in the database it came from.
    names = _sqlite_tables(tmp_path / "restored" / "pave.sqlite3")["cases_person"]
    with sqlite3.connect(tmp_path / "restored" / "pave.sqlite3") as db:
        given = [row[0] for row in db.execute("SELECT given_name FROM cases_person")]
    assert len(names) == len(given) >= 89 and all(g.startswith("pave1:") for g in given if g)
    # The restored installation reads its personal data with the same keys.
    shown = pave(restored_env, "report", "assistance-in-numbers", "--format", "json")
    assert shown.returncode == 0, shown.stderr

    # A second restore into the now non-empty database is refused, nothing overwritten.
    again = pave(restored_env, "restore", str(backup))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    env = _environment(tmp_path / "data", _key())
    done = pave(env, "restore", str(junk))
    assert done.returncode != 0 and "not a PAVE backup" in done.stderr


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str]]:
    """Two new, empty databases on the test server: one to back up, one to restore into."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backup (pg_dump) needs PAVE_DATABASE_URL=postgres://…")
    import psycopg  # noqa: PLC0415 - installed with the postgres extra only

    params = connection.settings_dict
    base = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    names = [f"pave_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    admin = psycopg.connect(f"{base}/postgres", autocommit=True, password=params.get("PASSWORD"))
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _postgres_tables(url: str) -> dict[str, list[tuple]]:
    import psycopg  # noqa: PLC0415 - installed with the postgres extra only

    with psycopg.connect(url) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()  # noqa: S608
            for name in names
        }


def test_postgresql_backup_restores_the_demo_table_for_table(tmp_path, postgres_databases):
    source_url, restored_url = postgres_databases
    keys = _key()
    source_env = _environment(tmp_path / "source", keys, source_url)
    assert pave(source_env, "migrate", "-v0").returncode == 0
    assert pave(source_env, "demo", "load").returncode == 0
    backup = tmp_path / "demo.pgdump"
    made = pave(source_env, "backup", "--output", str(backup))
    assert made.returncode == 0, made.stderr
    _assert_backup_is_safe(backup, keys)

    restored_env = _environment(tmp_path / "restored", keys, restored_url)
    done = pave(restored_env, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "audit log intact" in done.stdout
    _same_but_the_last_audit_event(_postgres_tables(source_url), _postgres_tables(restored_url))
