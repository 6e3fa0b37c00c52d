"""AES-256-GCM field encryption and HMAC blind indexes with rotatable keys; the audit-log key.

Key material comes from PAVE_DATA_KEYS ("id:base64key,id:base64key"; the first key encrypts,
every listed key decrypts) or, on a laptop install, from a file generated into the data
directory. Ciphertext is stored as text: "pave1:<key id>:<base64(nonce || ciphertext+tag)>".

Keys fail closed: a key file is generated only while the database holds nothing encrypted
(no ciphertext, no key canary, no keyed audit row). Once data exists, a missing file is an
error naming the key ids the data needs (`MissingKeyError`), never a new key. This module is
importable before Django's apps are loaded (the `pave` command uses it), so it reaches the
models through the app registry, not by import.
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
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

logger = logging.getLogger(__name__)
PREFIX = "pave1"


class DecryptionError(Exception):
    """A stored value cannot be decrypted with any configured key."""


class MissingKeyError(ImproperlyConfigured):
    """A key that stored data needs is not configured: PAVE refuses to start or to make one."""


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


def write_keys_file(path: Path, keys: list[DataKey], *, exclusive: bool = False) -> bool:
    """Write keys with mode 0600, atomically, so a crash never leaves a half-written file.

    `exclusive`: only if no file exists yet; False when another process created it first (two
    processes starting at once must end up with the same key, never one each). Returns
    whether this call wrote the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(",".join(key.encode() for key in keys) + "\n")
    os.chmod(tmp, 0o600)
    if not exclusive:
        os.replace(tmp, path)
        return True
    try:
        os.link(tmp, path)  # atomic, and fails if the file exists: the first writer wins
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
    return True


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

    def encrypt(self, plaintext: str, context: str, key_id: str = "") -> str:
        """Ciphertext under the current key (or the configured key `key_id`, for canaries)."""
        key_id = key_id or self.current.key_id
        nonce = os.urandom(12)
        sealed = self._by_id[key_id].encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        payload = base64.b64encode(nonce + sealed).decode()
        return f"{PREFIX}:{key_id}:{payload}"

    def has(self, key_id: str) -> bool:
        return key_id in self._by_id

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


def database_tables() -> set[str]:
    """The tables of the default database; none when it does not exist yet (a SQLite file is
    not created just to look: `pave check` on a fresh install writes nothing)."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
            return set()
    return set(connection.introspection.table_names())


def _columns(cursor: Any, table: str) -> set[str]:
    return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def stored_data_key_ids() -> set[str]:
    """Ids of the data keys that stored data needs: every key canary's, plus, for data written
    before canaries existed, the key of one sampled value per encrypted column. Empty on a
    fresh database. Raises the database's error when it cannot be reached (fail closed)."""
    tables = database_tables()
    if not tables:
        return set()
    found: set[str] = set()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if "core_keycanary" in tables:
            cursor.execute("SELECT key_id FROM core_keycanary")
            found.update(row[0] for row in cursor.fetchall())
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in tables:
                continue
            columns = _columns(cursor, table)
            for field in model._meta.concrete_fields:
                if not getattr(field, "encrypted", False) or field.column not in columns:
                    continue  # not encrypted, or added by a migration not applied yet
                column = qn(str(field.column))
                cursor.execute(
                    f"SELECT {column} FROM {qn(table)} WHERE {column} <> '' LIMIT 1"  # noqa: S608 - names from models
                )
                row = cursor.fetchone()
                if row:
                    found.add(Keyring.key_id_of(row[0]))
    return found


def missing_key_message(key_ids: set[str], where: str) -> str:
    return (
        f"data key(s) {', '.join(sorted(key_ids))} missing: the database holds values "
        f"encrypted under them, and {where} does not have them. Restore the key file from "
        "your backup (or set PAVE_DATA_KEYS). PAVE never generates a new key while "
        "encrypted data exists."
    )


def keys_file_ensure() -> Path | None:
    """On a laptop install (no PAVE_DATA_KEYS), generate the data-key file when there is none
    and the database holds nothing encrypted; return its path if created now. Raise
    MissingKeyError when stored data needs a key and the file is gone."""
    if settings.PAVE_DATA_KEYS:
        return None
    path = Path(settings.PAVE_KEYS_FILE)
    if path.exists():
        return None
    needed = stored_data_key_ids()
    if needed:
        raise MissingKeyError(missing_key_message(needed, str(path)))
    # Exclusively: a process starting at the same moment may have created it first; then its
    # key is the key, and this one reads it.
    return path if write_keys_file(path, [new_key()], exclusive=True) else None


def load_keyring() -> Keyring:
    """Keys from PAVE_DATA_KEYS, else the data-directory file (generated once, with a warning,
    only while nothing encrypted is stored)."""
    if settings.PAVE_DATA_KEYS:
        return Keyring(parse_keys(settings.PAVE_DATA_KEYS), source="environment")
    created = keys_file_ensure()
    if created is not None:
        logger.warning(
            "PAVE_DATA_KEYS is not set: generated a data key into %s (mode 0600). "
            "Back it up: without it the personal data cannot be read.",
            created,
        )
    path = Path(settings.PAVE_KEYS_FILE)
    return Keyring(parse_keys(path.read_text()), source=str(path))


def keyring() -> Keyring:
    global _keyring
    if _keyring is None:
        with _lock:
            if _keyring is None:
                _keyring = load_keyring()
    return _keyring


def reset_keyring() -> None:
    """Forget the cached keys, data and audit (after rotation, or when tests change settings)."""
    global _keyring, _audit_key
    with _lock:
        _keyring = None
        _audit_key = None


# --- The audit-log key ----------------------------------------------------------------------
# The audit chain is an HMAC chain under this key, which never enters the database: whoever
# holds only the database cannot re-sign rows they delete or alter.

AUDIT_KEY_MIN_LENGTH = 32


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes
    source: str

    def sign(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def audit_key_from(material: str, source: str) -> AuditKey:
    material = material.strip()
    if len(material) < AUDIT_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"the audit key from {source} must be at least {AUDIT_KEY_MIN_LENGTH} characters"
        )
    secret = material.encode()
    key_id = hmac.new(secret, b"pave audit key id", hashlib.sha256).hexdigest()[:8]
    return AuditKey(key_id=key_id, secret=secret, source=source)


def keyed_audit_ids() -> set[str]:
    """Ids of the audit keys existing rows were signed with (empty on a fresh database)."""
    if "core_auditevent" not in database_tables():
        return set()
    with connection.cursor() as cursor:
        if "key_id" not in _columns(cursor, "core_auditevent"):
            return set()  # before the upgrade's migration: nothing is signed yet
        cursor.execute("SELECT DISTINCT key_id FROM core_auditevent WHERE key_id <> ''")
        return {row[0] for row in cursor.fetchall()}


def audit_key_file_ensure() -> Path | None:
    """Generate the audit-key file (mode 0600) when no key is configured and no audit row is
    signed yet; return its path if created now. Raise MissingKeyError when signed rows exist
    and the key is gone: a new key would make the whole log unverifiable."""
    if settings.PAVE_AUDIT_KEY:
        return None
    path = Path(settings.PAVE_AUDIT_KEY_FILE)
    if path.exists():
        return None
    signed = keyed_audit_ids()
    if signed:
        raise MissingKeyError(
            f"audit key {', '.join(sorted(signed))} missing: {path} does not exist and the audit "
            "log is signed with it. Restore the file from your backup (or set PAVE_AUDIT_KEY)."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a private name, then linked into place: a process starting at the
    # same moment sees either no file or the complete key, and only one key ever wins.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:  # another process made it a moment ago
        return None
    finally:
        tmp.unlink()
    return path


_audit_key: AuditKey | None = None


def audit_key() -> AuditKey:
    """PAVE_AUDIT_KEY, else the file PAVE_AUDIT_KEY_FILE (default: in the data directory),
    generated once while no audit row is signed."""
    global _audit_key
    if _audit_key is None:
        with _lock:
            if _audit_key is None:
                if settings.PAVE_AUDIT_KEY:
                    _audit_key = audit_key_from(settings.PAVE_AUDIT_KEY, "PAVE_AUDIT_KEY")
                else:
                    created = audit_key_file_ensure()
                    if created is not None:
                        logger.warning(
                            "PAVE_AUDIT_KEY is not set: generated the audit-log key into %s "
                            "(mode 0600). Back it up, apart from the database backups.",
                            created,
                        )
                    path = Path(settings.PAVE_AUDIT_KEY_FILE)
                    _audit_key = audit_key_from(path.read_text(), str(path))
    return _audit_key
