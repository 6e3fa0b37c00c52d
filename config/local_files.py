"""The files a laptop install keeps in PAVE_DATA_DIR when the environment gives no secrets.

Reading them has no side effect: the settings read the secret key at import. Creating them is
an explicit step (`secret_key_create`), which the `pave` command takes before the commands
that set up or serve an installation (see `pave.__main__`). Importing the settings, as
`pave check`, mypy's Django plugin or a test does, never writes a file.
"""

import os
import secrets
from pathlib import Path

from config.env import env_str

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key
DATA_KEYS_FILE = "data_keys"
AUDIT_KEY_FILE = "audit_key"
AUDIT_CHECKPOINT_FILE = "audit-checkpoints"
# The data directory holds the keys and the SQLite database: its owner only.
DATA_DIR_MODE = 0o700


def data_dir() -> Path:
    """PAVE_DATA_DIR, or ./var under the directory PAVE runs from."""
    return Path(env_str("PAVE_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def data_dir_create(directory: Path) -> None:
    """Create the data directory (and its parents) mode 0700, and make an existing one 0700:
    other local users must not list or read the keys and the database. A directory owned by
    someone else (a shared mount) is left as it is."""
    directory.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
    if directory.stat().st_uid == os.getuid():
        os.chmod(directory, DATA_DIR_MODE)


def secret_key_read(directory: Path) -> str:
    """The key generated into the data directory, or "" when there is none (yet)."""
    try:
        return (directory / SECRET_KEY_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def secret_key_create(directory: Path) -> Path | None:
    """Generate the key file once (mode 0600, never overwritten); return its path if created
    now, None if it already existed."""
    data_dir_create(directory)
    path = directory / SECRET_KEY_FILE
    try:
        # O_EXCL: two processes starting at once cannot both write a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50))
    os.chmod(path, 0o600)
    return path
