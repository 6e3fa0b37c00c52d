"""The `pave` command: Django's management interface for this project."""

import os
import sys
from pathlib import Path

from django.core.management import execute_from_command_line

from config import local_files
from config.env import env_str
from pave.core import crypto

# The commands that set up or serve an installation: before them, a laptop install without
# secrets in the environment gets its data directory and keys (generated once, kept after).
# Every other command, `pave check` included, only reads.
SETUP_COMMANDS = frozenset({"migrate", "serve", "runserver"})


def _warn(message: str) -> None:
    sys.stderr.write(f"WARNING: {message}\n")


def local_files_create(directory: Path) -> None:
    """Create the data directory (mode 0700), the secret key and the data-key file where the
    environment names none, each with mode 0600 and a warning the first time. (The SQLite
    files are made 0600 as each connection opens: pave.core.filemodes.)"""
    local_files.data_dir_create(directory)
    if not env_str("PAVE_SECRET_KEY"):
        created = local_files.secret_key_create(directory)
        if created is not None:
            _warn(f"PAVE_SECRET_KEY is not set: generated a secret key into {created} (mode 0600).")
    keys_file = directory / local_files.DATA_KEYS_FILE
    if not env_str("PAVE_DATA_KEYS") and not keys_file.exists():
        crypto.write_keys_file(keys_file, [crypto.new_key()])
        _warn(
            f"PAVE_DATA_KEYS is not set: generated a data key into {keys_file} (mode 0600). "
            "Back it up: without it the personal data cannot be read."
        )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    arguments = sys.argv[1:]
    if arguments and arguments[0] in SETUP_COMMANDS:
        local_files_create(local_files.data_dir())
    execute_from_command_line(["pave", *arguments])


if __name__ == "__main__":
    main()
