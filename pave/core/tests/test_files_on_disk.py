"""Files on disk (issue 12, item 12): the data directory is its owner's only (0700), the
SQLite database and its -wal/-shm files 0600; and PAVE serves its pages before anyone has run
`collectstatic`, with the production static-files storage."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from pave.core.tests.test_settings import ROOT, clean_environment

PAGE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
storage = settings.STORAGES["staticfiles"]["BACKEND"]
assert storage == "pave.core.staticfiles.ManifestOrSourceStorage", storage
assert not any(settings.STATIC_ROOT.glob("*")), "STATIC_ROOT is not empty"
login = Client().get("/accounts/login/")
css = Client().get("/static/pave/pave.css")
print(login.status_code, css.status_code)
print(login.content.decode())
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_python(tmp_path: Path, argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and modules
        [sys.executable, *argv],
        cwd=ROOT,
        env=clean_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_migrate_creates_a_private_data_directory_and_database_files(tmp_path):
    data = tmp_path / "data"
    result = run_python(tmp_path, ["-m", "pave", "migrate", "--noinput", "-v0"])
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    database = data / "pave.sqlite3"
    files = [database, *(data / f"pave.sqlite3{suffix}" for suffix in ("-wal", "-shm"))]
    present = [path for path in files if path.exists()]
    assert database in present
    assert {path.name: oct(mode(path)) for path in present} == {
        path.name: oct(0o600) for path in present
    }
    # Keys generated alongside stay 0600 as before.
    assert mode(data / "secret_key") == 0o600 and mode(data / "data_keys") == 0o600


def test_an_existing_data_directory_is_made_private_by_the_setup_commands(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    result = run_python(tmp_path, ["-m", "pave", "migrate", "--noinput", "-v0"])
    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700


def test_the_login_page_answers_200_without_collectstatic_under_production_settings(tmp_path):
    (tmp_path / "data").mkdir()
    result = run_python(
        tmp_path,
        ["-c", PAGE],
        DJANGO_SETTINGS_MODULE="config.settings",
        PAVE_SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    statuses, html = result.stdout.split("\n", 1)
    assert statuses == "200 200"
    assert 'href="/static/pave/pave.css"' in html  # the plain name, served from the source
