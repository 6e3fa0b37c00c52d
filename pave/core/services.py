"""Writes owned by the core app: data-key rotation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction

from pave.core import crypto
from pave.core.audit import Actor, audit_record
from pave.core.extensions import contributions
from pave.core.fields import EncryptedTextField, encrypted_columns
from pave.core.keycheck import canaries_ensure
from pave.core.models import KeyCanary


@dataclass
class RotationResult:
    key_id: str
    reencrypted: int
    reindexed: int
    retired: list[str]


def _reencrypt_column(model: type[models.Model], field: EncryptedTextField, batch: int) -> int:
    ring = crypto.keyring()
    table, column = model._meta.db_table, str(field.column)
    pk = str(model._meta.pk.column)
    qn = connection.ops.quote_name
    select = (
        f"SELECT {qn(pk)}, {qn(column)} FROM {qn(table)} "  # noqa: S608 - names from models
        f"WHERE {qn(column)} <> '' AND {qn(column)} NOT LIKE %s AND {qn(pk)} > %s "
        f"ORDER BY {qn(pk)} LIMIT {int(batch)}"
    )
    update = f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE {qn(pk)} = %s"  # noqa: S608
    current_prefix = f"{crypto.PREFIX}:{ring.current.key_id}:%"
    done, last = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select, [current_prefix, last])
            rows = cursor.fetchall()
            if not rows:
                return done
            updates = [
                (ring.encrypt(ring.decrypt(token, field.context), field.context), row_pk)
                for row_pk, token in rows
            ]
            cursor.executemany(update, updates)
        done += len(rows)
        last = rows[-1][0]


def keys_in_use() -> set[str]:
    """Key ids that some stored ciphertext still needs."""
    used: set[str] = set()
    qn = connection.ops.quote_name
    for model, field in encrypted_columns():
        with connection.cursor() as cursor:
            column = qn(str(field.column))
            cursor.execute(
                f"SELECT DISTINCT {column} FROM {qn(model._meta.db_table)} "  # noqa: S608
                f"WHERE {column} <> ''"
            )
            used.update(crypto.Keyring.key_id_of(row[0]) for row in cursor.fetchall())
    return used


def keys_rotate(
    *, actor: Actor, generate: bool = True, retire: bool = False, batch: int = 2000
) -> RotationResult:
    """Re-encrypt every encrypted value under the current key and rebuild blind indexes.

    With keys in the data-directory file and `generate`, a new key is created first and put in
    front. With PAVE_DATA_KEYS, the operator puts the new key first; this re-encrypts to it.
    Interrupted runs can be repeated: values already under the current key are skipped.
    """
    ring = crypto.keyring()
    from_file = ring.source != "environment"
    if generate and from_file:
        crypto.write_keys_file(Path(settings.PAVE_KEYS_FILE), [crypto.new_key(), *ring.keys])
        crypto.reset_keyring()
        ring = crypto.keyring()
    canaries_ensure()  # before the first value is encrypted under a new key
    reencrypted = sum(_reencrypt_column(m, f, batch) for m, f in encrypted_columns())
    # Each app names the function that recomputes its blind indexes (AppConfig.reindexer).
    reindexed = sum(reindex() for reindex in contributions("reindexer"))
    retired: list[str] = []
    if retire:
        needed = keys_in_use() | {ring.current.key_id}
        # No data needs these keys any more: their canaries go, so that start-up does not
        # ask for them (with PAVE_DATA_KEYS, the operator then removes them from the list).
        KeyCanary.objects.exclude(key_id__in=needed).delete()
    if retire and from_file:
        kept = [key for key in ring.keys if key.key_id in needed]
        retired = [key.key_id for key in ring.keys if key.key_id not in needed]
        crypto.write_keys_file(Path(settings.PAVE_KEYS_FILE), kept)
        crypto.reset_keyring()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="keys.rotate",
            object_type="keyring",
            object_id=ring.current.key_id,
            detail={"reencrypted": reencrypted, "reindexed": reindexed, "retired": retired},
        )
    return RotationResult(ring.current.key_id, reencrypted, reindexed, retired)
