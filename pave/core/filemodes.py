"""The SQLite database files are readable by their owner only (docs/security.md, "Files on
disk").

SQLite creates the database with the process's umask (usually 0644) and its `-wal` and `-shm`
files with the database file's mode. `sqlite_files_private`, connected to every new
connection (`connection_created`), makes the database and whichever of its companions exist
0600, so the ones SQLite creates afterwards are 0600 too. The data directory around them is
0700 (config.local_files.data_dir_create), so no other local user could open them in between.
"""

import os
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def sqlite_files_private(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "sqlite" or connection.is_in_memory_db():  # type: ignore[attr-defined]
        return
    database = Path(connection.settings_dict["NAME"])
    for suffix in SQLITE_SUFFIXES:
        path = database.with_name(database.name + suffix)
        try:
            if path.stat().st_uid == os.getuid():
                os.chmod(path, FILE_MODE)
        except FileNotFoundError:
            continue
