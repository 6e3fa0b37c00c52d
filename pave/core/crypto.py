"""AES-256-GCM field encryption and HMAC blind indexes with rotatable keys.

Key material comes from PAVE_DATA_KEYS ("id:base64key,id:base64key"; the first key encrypts,
every listed key decrypts) or, on a laptop install, from a file generated into the data
directory. Ciphertext is stored as text: "pave1:<key id>:<base64(nonce || ciphertext+tag)>".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)
PREFIX = "pave1"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    secret: bytes

    def encode(self) -> str:
        return f"{self.key_id}:{base64.urlsafe_b64encode(self.secret).decode()}"


def new_key() -> DataKey:
    """A fresh random 256-bit key with a short random id."""
    return DataKey(key_id=secrets.token_hex(4), secret=AESGCM.generate_key(bit_length=256))


def parse_keys(raw: str) -> list[DataKey]:
    keys = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep:
            raise ImproperlyConfigured("PAVE_DATA_KEYS entries must look like id:base64key")
        secret = base64.urlsafe_b64decode(encoded.encode())
        if len(secret) != 32:
            raise ImproperlyConfigured(f"data key {key_id!r} must be 32 bytes (AES-256)")
        keys.append(DataKey(key_id=key_id, secret=secret))
    if not keys:
        raise ImproperlyConfigured("PAVE_DATA_KEYS holds no key")
    return keys


def write_keys_file(path: Path, keys: list[DataKey]) -> None:
    """Write keys with mode 0600, atomically, so a crash never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(",".join(key.encode() for key in keys) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class Keyring:
    """The configured keys: the first encrypts; all decrypt; a derived key signs indexes."""

    def __init__(self, keys: list[DataKey], source: str):
        self.keys = keys
        self.source = source
        self._by_id = {key.key_id: AESGCM(key.secret) for key in keys}
        self._index_key = _derive(keys[0].secret, b"pave blind index v1")

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._by_id[self.current.key_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode()
        )
        payload = base64.b64encode(nonce + sealed).decode()
        return f"{PREFIX}:{self.current.key_id}:{payload}"

    def decrypt(self, token: str, context: str) -> str:
        try:
            prefix, key_id, payload = token.split(":", 2)
            aead = self._by_id[key_id]
            raw = base64.b64decode(payload)
            return aead.decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
        except KeyError as exc:
            raise DecryptionError(f"no configured key with id {exc.args[0]!r}") from exc
        except Exception as exc:
            raise DecryptionError("stored value cannot be decrypted") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(":", 2)[1]

    def blind_index(self, normalised: str, purpose: str) -> str:
        """Keyed digest of an already-normalised value; empty input gives an empty index."""
        if not normalised:
            return ""
        message = f"{purpose}\x00{normalised}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()[:32]


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(secret)


_lock = threading.Lock()
_keyring: Keyring | None = None


def load_keyring() -> Keyring:
    """Keys from PAVE_DATA_KEYS, else the data-directory file (generated once, with a warning)."""
    if settings.PAVE_DATA_KEYS:
        return Keyring(parse_keys(settings.PAVE_DATA_KEYS), source="environment")
    path = Path(settings.PAVE_KEYS_FILE)
    if not path.exists():
        logger.warning(
            "PAVE_DATA_KEYS is not set: generated a data key into %s (mode 0600). "
            "Back it up: without it the personal data cannot be read.",
            path,
        )
        write_keys_file(path, [new_key()])
    return Keyring(parse_keys(path.read_text()), source=str(path))


def keyring() -> Keyring:
    global _keyring
    if _keyring is None:
        with _lock:
            if _keyring is None:
                _keyring = load_keyring()
    return _keyring


def reset_keyring() -> None:
    """Forget the cached keys (after rotation, or when tests change settings)."""
    global _keyring
    with _lock:
        _keyring = None
