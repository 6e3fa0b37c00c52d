import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from pave.core import crypto
from pave.core.crypto import DecryptionError, Keyring, new_key, parse_keys
from pave.core.models import KeyCanary


def test_round_trip_and_fresh_nonce_every_time():
    ring = Keyring([new_key()], source="test")
    first = ring.encrypt("Meron Tesfaye", "cases.Person.given_name")
    second = ring.encrypt("Meron Tesfaye", "cases.Person.given_name")
    assert first != second
    assert "Meron" not in first
    assert ring.decrypt(first, "cases.Person.given_name") == "Meron Tesfaye"


def test_ciphertext_moved_to_another_column_does_not_decrypt():
    ring = Keyring([new_key()], source="test")
    token = ring.encrypt("EP1234567", "cases.Person.identity_number")
    with pytest.raises(DecryptionError):
        ring.decrypt(token, "cases.Person.given_name")


def test_tampered_ciphertext_is_rejected():
    ring = Keyring([new_key()], source="test")
    token = ring.encrypt("secret", "ctx")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        ring.decrypt(tampered, "ctx")


def test_old_keys_still_decrypt_and_new_key_encrypts():
    old, new = new_key(), new_key()
    token = Keyring([old], source="test").encrypt("x", "ctx")
    ring = Keyring([new, old], source="test")
    assert ring.decrypt(token, "ctx") == "x"
    assert Keyring.key_id_of(ring.encrypt("x", "ctx")) == new.key_id


def test_value_under_unknown_key_names_the_missing_key():
    token = Keyring([new_key()], source="test").encrypt("x", "ctx")
    with pytest.raises(DecryptionError, match="no configured key"):
        Keyring([new_key()], source="test").decrypt(token, "ctx")


def test_blind_index_is_keyed():
    a, b = Keyring([new_key()], source="t"), Keyring([new_key()], source="t")
    assert a.blind_index("meron", "name") == a.blind_index("meron", "name")
    assert a.blind_index("meron", "name") != b.blind_index("meron", "name")
    assert a.blind_index("meron", "name") != a.blind_index("meron", "phone")
    assert a.blind_index("", "name") == ""


@pytest.mark.parametrize("raw", ["", "nocolon", "k1:c2hvcnQ="])
def test_malformed_key_configuration_is_refused(raw):
    with pytest.raises(ImproperlyConfigured):
        parse_keys(raw)


def test_keys_from_environment_take_precedence(tmp_path):
    key = new_key()
    with override_settings(PAVE_DATA_KEYS=key.encode(), PAVE_KEYS_FILE=tmp_path / "k"):
        crypto.reset_keyring()
        assert crypto.keyring().current.key_id == key.key_id
        assert not (tmp_path / "k").exists()


def test_missing_keys_are_generated_into_a_private_file(db, tmp_path, caplog):
    # A fresh install: nothing encrypted in the database (not even the canary written when
    # the test database was created), so a key is generated as before.
    KeyCanary.objects.all().delete()
    with override_settings(PAVE_DATA_KEYS="", PAVE_KEYS_FILE=tmp_path / "data_keys"):
        crypto.reset_keyring()
        ring = crypto.keyring()
    path = tmp_path / "data_keys"
    assert path.stat().st_mode & 0o777 == 0o600
    assert ring.current.key_id in path.read_text()
    assert "PAVE_DATA_KEYS is not set" in caplog.text


def test_two_processes_creating_the_key_file_at_once_end_up_with_one_key(tmp_path):
    """The first writer wins and the other reads its key: never one key each (which would
    encrypt half the data under a key the file no longer holds)."""
    path = tmp_path / "data_keys"
    first, second = crypto.new_key(), crypto.new_key()
    assert crypto.write_keys_file(path, [first], exclusive=True) is True
    assert crypto.write_keys_file(path, [second], exclusive=True) is False
    assert crypto.parse_keys(path.read_text())[0].key_id == first.key_id
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data_keys"]  # no temporary left
