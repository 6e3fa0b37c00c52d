"""Keys fail closed: the data and audit keys PAVE is configured with are the ones its data was
written with, or PAVE does not start.

A key canary (core.KeyCanary) is a known text encrypted under one data key, written when the
key is first used. At start-up (a system check, so every `pave` command and `runserver`;
config/wsgi.py for gunicorn) and in /healthz, every canary must decrypt with the configured
key of the same id: a missing key (the key file lost) or a wrong one (other bytes, same id)
is an error naming the key id, never a fresh key and 500s on every personal-data page.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate

from pave.core import crypto
from pave.core.audit import audit_checkpoint_unkeyed_head
from pave.core.fields import encrypted_columns
from pave.core.models import KeyCanary

CANARY_TEXT = "pave key canary"
CANARY_CONTEXT = "core.KeyCanary.token"


def _files_missing_without_data() -> bool:
    """A fresh laptop install: no key file yet, and nothing that would need one."""
    from_file = not settings.PAVE_DATA_KEYS
    return from_file and not Path(settings.PAVE_KEYS_FILE).exists()


def key_problems() -> list[str]:
    """What is wrong with the configured data and audit keys; empty when nothing is."""
    problems: list[str] = []
    try:
        if _files_missing_without_data():
            needed = crypto.stored_data_key_ids()
            if needed:
                problems.append(crypto.missing_key_message(needed, str(settings.PAVE_KEYS_FILE)))
        else:
            ring = crypto.keyring()
            if "core_keycanary" in crypto.database_tables():
                for canary in KeyCanary.objects.order_by("key_id"):
                    problem = _canary_problem(ring, canary)
                    if problem:
                        problems.append(problem)
        problems.extend(_audit_key_problems())
    except ImproperlyConfigured as exc:
        problems.append(str(exc))
    return problems


def _canary_problem(ring: crypto.Keyring, canary: KeyCanary) -> str:
    if not ring.has(canary.key_id):
        return crypto.missing_key_message({canary.key_id}, ring.source)
    try:
        if ring.decrypt(canary.token, CANARY_CONTEXT) == CANARY_TEXT:
            return ""
    except crypto.DecryptionError:
        pass
    return (
        f"data key {canary.key_id} from {ring.source} is not the key the data was written "
        "with (its canary does not decrypt): wrong key bytes under the right id. Restore "
        "the right key from your backup."
    )


def _audit_key_problems() -> list[str]:
    if settings.PAVE_AUDIT_KEY:
        crypto.audit_key()  # a malformed key is refused here, not at the first write
    signed = crypto.keyed_audit_ids()
    if not signed:
        return []
    if not settings.PAVE_AUDIT_KEY and not Path(settings.PAVE_AUDIT_KEY_FILE).exists():
        return [
            f"audit key {', '.join(sorted(signed))} missing: "
            f"{settings.PAVE_AUDIT_KEY_FILE} does not exist and the audit log is signed "
            "with it. Restore the file from your backup (or set PAVE_AUDIT_KEY)."
        ]
    current = crypto.audit_key().key_id
    if current not in signed:
        return [
            f"the configured audit key ({current}) signed no audit row; the log is signed with "
            f"{', '.join(sorted(signed))}: restore that key from your backup."
        ]
    return []


def canary_status() -> str:
    """For /healthz: "ok", or the first problem with the data keys."""
    try:
        ring = crypto.keyring()
        canaries = list(KeyCanary.objects.order_by("key_id"))
    except (ImproperlyConfigured, DatabaseError) as exc:
        return str(exc)
    if not any(canary.key_id == ring.current.key_id for canary in canaries):
        return f"no canary for the current data key {ring.current.key_id}"
    for canary in canaries:
        problem = _canary_problem(ring, canary)
        if problem:
            return problem
    return "ok"


def _stored_value_decrypts(ring: crypto.Keyring, key_id: str) -> bool:
    """Whether one value already stored under `key_id` (data older than canaries) decrypts;
    True when there is none."""
    qn = connection.ops.quote_name
    prefix = f"{crypto.PREFIX}:{key_id}:%"
    for model, field in encrypted_columns():
        column = qn(str(field.column))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {qn(model._meta.db_table)} "  # noqa: S608 - model names
                f"WHERE {column} LIKE %s LIMIT 1",
                [prefix],
            )
            row = cursor.fetchone()
        if row:
            try:
                ring.decrypt(row[0], field.context)
            except crypto.DecryptionError:
                return False
            return True
    return True


def canaries_ensure() -> list[str]:
    """Write a canary for every configured data key that has none (first use, or data written
    before canaries), after checking it against a value already stored under it. Returns the
    key ids written."""
    ring = crypto.keyring()
    have = set(KeyCanary.objects.values_list("key_id", flat=True))
    written = []
    for key in ring.keys:
        if key.key_id in have or not _stored_value_decrypts(ring, key.key_id):
            continue
        with transaction.atomic():
            _, created = KeyCanary.objects.get_or_create(
                key_id=key.key_id,
                defaults={"token": ring.encrypt(CANARY_TEXT, CANARY_CONTEXT, key_id=key.key_id)},
            )
        if created:
            written.append(key.key_id)
    return written


def keys_startup() -> None:
    """For servers (config/wsgi.py): refuse to start on a key problem; else make sure every
    configured key has its canary."""
    problems = key_problems()
    if problems:
        raise crypto.MissingKeyError("PAVE refuses to start: " + " | ".join(problems))
    if "core_keycanary" in crypto.database_tables():
        canaries_ensure()


def keys_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """System check run before every `pave` command and by runserver (core's AppConfig)."""
    try:
        problems = key_problems()
    except DatabaseError:
        return []  # no database yet (or unreachable): other checks and commands say so
    return [checks.Error(problem, id="pave.E101") for problem in problems]


def _after_migrate(sender: object, app_config: object = None, **kwargs: object) -> None:
    if getattr(app_config, "label", "") == "core":
        canaries_ensure()
        audit_checkpoint_unkeyed_head()


def signals_connect() -> None:
    """After every `pave migrate` (and test database): canaries for the keys in use, and on
    the upgrade to keyed audit chains a checkpoint of the rows written before."""
    post_migrate.connect(_after_migrate, dispatch_uid="pave.core.keycheck.canaries")
