"""Keys fail closed (issue 12, item 4): with the data-key file lost, or a different key under
the same id, PAVE refuses to start and names the key; it never makes a new one while
encrypted data exists, and /healthz says 503."""

import base64
import os

import pytest
from django.test import override_settings

from pave.core import crypto
from pave.core.keycheck import keys_startup
from pave.core.models import KeyCanary
from pave.core.tests.test_settings import run
from pave.testing import make_case, run_pave


def test_a_lost_key_file_stops_every_command_and_no_key_is_made(file_keys, personas):
    make_case(personas.amal)
    key_id = crypto.keyring().current.key_id
    file_keys.unlink()
    crypto.reset_keyring()

    for argv in (["check"], ["audit", "verify"], ["keys", "status"]):
        code, _out, err = run_pave(*argv)
        assert code != 0, argv
        assert key_id in err and "missing" in err
    with pytest.raises(crypto.MissingKeyError, match=key_id):
        keys_startup()  # what config/wsgi.py runs before gunicorn serves
    with pytest.raises(crypto.MissingKeyError, match=key_id):
        crypto.keyring()  # a page reading personal data: refused, no new key
    assert not file_keys.exists()


def test_healthz_answers_503_when_the_key_file_is_lost(client, file_keys, personas):
    make_case(personas.amal)
    file_keys.unlink()
    crypto.reset_keyring()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "missing" in response.json()["keys"]
    assert not file_keys.exists()


def test_a_wrong_key_under_the_right_id_is_detected(client, personas):
    make_case(personas.amal)
    key_id = crypto.keyring().current.key_id
    wrong = f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"
    with override_settings(PAVE_DATA_KEYS=wrong):
        crypto.reset_keyring()
        response = client.get("/healthz")
        assert response.status_code == 503
        assert key_id in response.json()["keys"] and "wrong key" in response.json()["keys"]
        code, _out, err = run_pave("check")
        assert code != 0 and "wrong key" in err and key_id in err


def test_healthz_checks_the_canary_of_the_current_key(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["keys"] == "ok"
    assert KeyCanary.objects.filter(key_id=crypto.keyring().current.key_id).exists()


def test_pave_refuses_to_serve_when_the_key_file_of_an_installation_is_lost(tmp_path):
    """End to end, as an operator sees it: `pave migrate` on a fresh install makes the key
    (and its canary); with the file gone, `pave runserver` and `pave check` stop, naming it."""
    data = tmp_path / "data"
    first = run(tmp_path, ["-m", "pave", "migrate", "-v", "0"])
    assert first.returncode == 0, first.stderr
    assert "generated a data key" in first.stderr
    key_id = (data / "data_keys").read_text().split(":")[0]
    (data / "data_keys").unlink()

    served = run(tmp_path, ["-m", "pave", "runserver", "--help"])
    assert served.returncode == 1
    assert f"data key(s) {key_id} missing" in served.stderr
    checked = run(tmp_path, ["-m", "pave", "check"])
    assert checked.returncode != 0 and key_id in checked.stderr
    assert not (data / "data_keys").exists()
