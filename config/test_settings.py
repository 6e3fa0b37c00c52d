"""Settings of the test suite: the production settings, plus what only tests need.

The production module never asks who imports it; pytest names this one instead
(`DJANGO_SETTINGS_MODULE` in pyproject.toml).
"""

import os
import secrets
import tempfile

# Tests never touch a real data directory (keys, SQLite file): a fresh one per test process,
# unless the caller names one. A pytest-xdist worker inherits the environment of the process
# that started it, and so the directory that process made: it makes its own instead (workers
# sharing a key file and checkpoint file would each be right about their own database and
# wrong about the other's). A directory the caller names (a test starting `pave` in a
# subprocess, say) is kept. Set before the production settings derive their paths from it.
_made = os.environ.get("PAVE_TEST_DATA_DIR_MADE_BY", "")  # "<pid>:<path>"
_maker, _, _made_path = _made.partition(":")
if not os.environ.get("PAVE_DATA_DIR") or (
    _made_path == os.environ["PAVE_DATA_DIR"] and _maker != str(os.getpid())
):
    os.environ["PAVE_DATA_DIR"] = tempfile.mkdtemp(prefix="pave-test-")
    os.environ["PAVE_TEST_DATA_DIR_MADE_BY"] = f"{os.getpid()}:{os.environ['PAVE_DATA_DIR']}"

from config.settings import *  # noqa: E402, F403 - after the data directory is chosen
from config.settings import DATA_DIR, PASSWORD_HASHERS, SECRET_KEY, STATIC_ROOT, STORAGES  # noqa: E402

# No key file is generated for tests: a key for this process only.
SECRET_KEY = SECRET_KEY or secrets.token_urlsafe(50)

# Static files straight from the source tree, without a collectstatic manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The test database and WhiteNoise's static root live in the temporary data directory.
DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# New passwords still get Argon2; test fixtures may store cheap MD5 hashes for speed.
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run at once, in the test's thread, when they are enqueued (after the commit, as in
# production); tests of the queue itself use the database backend and `pave worker --batch`.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
