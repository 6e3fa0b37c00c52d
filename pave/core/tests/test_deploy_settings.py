"""Production settings come from the environment alone and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PAVE_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"PAVE_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "pave", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_check(
        tmp_path,
        PAVE_HTTPS="true",
        PAVE_SECRET_KEY=secrets.token_urlsafe(60),
        PAVE_ALLOWED_HOSTS="pave.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_plain_http_laptop_settings_are_flagged_by_check_deploy(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr or "security.W008" in result.stderr
