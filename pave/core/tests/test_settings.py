"""The settings module reads the environment and nothing else: no test mode, no file written
at import; e-mail leaves through SMTP when a host is configured."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pave.core import crypto

ROOT = Path(__file__).resolve().parents[3]

SHOW = """
import json, sys
import pytest  # the production settings must not change because a test runner is loaded
from config import settings as s
names = sys.argv[1].split(",")
print(json.dumps({name: str(getattr(s, name)) for name in names}))
"""


def clean_environment(tmp_path: Path, **env: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PAVE_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"PAVE_DATA_DIR": str(tmp_path / "data"), **env})
    return environment


def run(tmp_path: Path, argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and modules
        [sys.executable, *argv],
        cwd=ROOT,
        env=clean_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_from(tmp_path: Path, *names: str, **env: str) -> dict[str, str]:
    """The named settings as the production module computes them from `env` alone."""
    result = run(tmp_path, ["-c", SHOW, ",".join(names)], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


EMAIL = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
)


def test_an_email_host_selects_smtp_with_starttls_and_a_password_from_a_file(tmp_path):
    password_file = tmp_path / "smtp_password"
    password_file.write_text("s3cret\n")
    values = settings_from(
        tmp_path,
        *EMAIL,
        PAVE_EMAIL_HOST="smtp.example.org",
        PAVE_EMAIL_PORT="2525",
        PAVE_EMAIL_HOST_USER="pave",
        PAVE_EMAIL_HOST_PASSWORD_FILE=str(password_file),
        PAVE_EMAIL_TIMEOUT="30",
        PAVE_FROM_EMAIL="pave@example.org",
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "pave",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": "True",
        "EMAIL_USE_SSL": "False",
        "EMAIL_TIMEOUT": "30",
        "DEFAULT_FROM_EMAIL": "pave@example.org",
    }


def test_ssl_takes_port_465_without_starttls(tmp_path):
    values = settings_from(
        tmp_path, *EMAIL, PAVE_EMAIL_HOST="smtp.example.org", PAVE_EMAIL_USE_SSL="true"
    )
    assert (values["EMAIL_PORT"], values["EMAIL_USE_SSL"], values["EMAIL_USE_TLS"]) == (
        "465",
        "True",
        "False",
    )


def test_tls_and_ssl_together_are_refused(tmp_path):
    result = run(
        tmp_path,
        ["-c", SHOW, "EMAIL_HOST"],
        PAVE_EMAIL_HOST="smtp.example.org",
        PAVE_EMAIL_USE_SSL="true",
        PAVE_EMAIL_USE_TLS="true",
    )
    assert result.returncode != 0
    assert "exclude each other" in result.stderr


def test_without_a_host_mail_goes_to_the_console_unless_a_backend_is_named(tmp_path):
    assert settings_from(tmp_path, "EMAIL_BACKEND") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    named = "django.core.mail.backends.locmem.EmailBackend"
    values = settings_from(
        tmp_path, "EMAIL_BACKEND", PAVE_EMAIL_HOST="smtp.example.org", PAVE_EMAIL_BACKEND=named
    )
    assert values == {"EMAIL_BACKEND": named}


def test_production_settings_are_the_same_when_pytest_is_loaded(tmp_path):
    values = settings_from(tmp_path, "STORAGES", "PASSWORD_HASHERS", "DATA_DIR")
    assert "ManifestOrSourceStorage" in values["STORAGES"]
    assert "MD5" not in values["PASSWORD_HASHERS"]
    assert values["DATA_DIR"] == str((tmp_path / "data").resolve())


def test_importing_the_settings_and_pave_check_write_no_file(tmp_path):
    settings_from(tmp_path, "SECRET_KEY", "DATABASES")
    result = run(tmp_path, ["-m", "pave", "check"])
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data").exists()


def test_setup_commands_generate_the_keys_once_and_the_settings_read_them(tmp_path):
    data = tmp_path / "data"
    # `runserver --help` stands for any setup command (migrate, serve) without serving.
    first = run(tmp_path, ["-m", "pave", "runserver", "--help"])
    assert first.returncode == 0, first.stderr
    assert "generated a secret key" in first.stderr
    assert "generated a data key" in first.stderr
    assert "generated the audit-log key" in first.stderr
    key = (data / "secret_key").read_text()
    keys = (data / "data_keys").read_text()
    for name in ("secret_key", "data_keys", "audit_key"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600

    again = run(tmp_path, ["-m", "pave", "runserver", "--help"])
    assert again.returncode == 0, again.stderr
    assert "generated" not in again.stderr
    assert (data / "secret_key").read_text() == key
    assert (data / "data_keys").read_text() == keys
    assert settings_from(tmp_path, "SECRET_KEY") == {"SECRET_KEY": key}


@pytest.mark.parametrize("configured", ["PAVE_SECRET_KEY", "PAVE_DATA_KEYS", "PAVE_AUDIT_KEY"])
def test_keys_from_the_environment_are_not_generated(tmp_path, configured):
    value = crypto.new_key().encode() if configured == "PAVE_DATA_KEYS" else "k" * 40
    result = run(tmp_path, ["-m", "pave", "runserver", "--help"], **{configured: value})
    assert result.returncode == 0, result.stderr
    generated = {path.name for path in (tmp_path / "data").iterdir()}
    files = {
        "PAVE_SECRET_KEY": "secret_key",
        "PAVE_DATA_KEYS": "data_keys",
        "PAVE_AUDIT_KEY": "audit_key",
    }
    assert generated == set(files.values()) - {files[configured]}
