"""The `pave` command: Django's management interface for this project."""

import os
import sys
from pathlib import Path

import django
from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line
from django.db import DatabaseError

from config import local_files
from config.env import env_str
from pave.core import crypto

# The commands that set up or serve an installation: before them, a laptop install without
# secrets in the environment gets its data directory and keys (generated once, kept after;
# the data and audit keys only while the database holds nothing that needs them, so a lost
# key file is an error naming the key, never a new key). Every other command, `pave check`
# included, only reads.
SETUP_COMMANDS = frozenset({"migrate", "serve", "runserver"})


def _warn(message: str) -> None:
    sys.stderr.write(f"WARNING: {message}\n")


def local_files_create(directory: Path) -> None:
    """Create the data directory (mode 0700) and the secret key where the environment names
    none (mode 0600, with a warning the first time). Before the settings are loaded: they read
    the key. (The SQLite files are made 0600 as each connection opens: pave.core.filemodes.)"""
    local_files.data_dir_create(directory)
    if not env_str("PAVE_SECRET_KEY"):
        created = local_files.secret_key_create(directory)
        if created is not None:
            _warn(f"PAVE_SECRET_KEY is not set: generated a secret key into {created} (mode 0600).")


def key_files_create() -> None:
    """After the settings are loaded: the data-key and audit-key files where the environment
    names no key, generated only while the database holds nothing that needs a key."""
    created = crypto.keys_file_ensure()
    if created is not None:
        _warn(
            f"PAVE_DATA_KEYS is not set: generated a data key into {created} (mode 0600). "
            "Back it up: without it the personal data cannot be read."
        )
    created = crypto.audit_key_file_ensure()
    if created is not None:
        _warn(
            f"PAVE_AUDIT_KEY is not set: generated the audit-log key into {created} (mode "
            "0600). Back it up, apart from the database backups."
        )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    arguments = sys.argv[1:]
    if arguments and arguments[0] in SETUP_COMMANDS:
        local_files_create(local_files.data_dir())
        django.setup()
        try:
            key_files_create()
        except (ImproperlyConfigured, DatabaseError) as exc:
            sys.stderr.write(f"ERROR: {exc}\n")
            sys.exit(1)
    execute_from_command_line(["pave", *arguments])


if __name__ == "__main__":
    main()
