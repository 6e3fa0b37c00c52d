"""The append-only, hash-chained audit log: writing events, verifying the chain, anchoring
its head outside the database.

The chain is keyed: each row's `hash` is HMAC-SHA-256, under the audit key (crypto.audit_key,
never stored in the database), of the row and the previous row's hash. Whoever holds only the
database can neither alter a row nor delete one and re-sign the rest. Rows written before
keyed chains (empty `key_id`) keep their plain SHA-256 and verify as before; they are accepted
only before the first keyed row, which then anchors them (its HMAC covers their last hash).

Deleting the newest rows, or every row, leaves a valid chain; checkpoints catch it: `pave audit
checkpoint` appends the head's seq and hash to a file outside the database, and verification
fails when a row a checkpoint covers is missing or different. Rows written after the last
checkpoint can still be cut off unnoticed; so can anything by someone holding both the
database and the audit key (docs/security.md, "Audit log").

Append, then seal (docs/architecture.md, "The audit log: append, then seal"): a request writes
its event in its own transaction UNSEALED (no `seq`, `prev_hash` or `hash`), without any lock
or read of the log, so audited requests never wait for each other. `audit_seal()`, run every
few seconds by the worker (and by `pave audit verify` / `checkpoint`), numbers the committed
unsealed events and chains them. Until then an event is stored and shown, but not yet covered
by the chain: verify reports it as pending, and as a problem once older than STALE_AFTER.
"""

from __future__ import annotations

import contextvars
import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from pave.core import crypto
from pave.core.models import AuditEvent

# Who acts: a user, or a label such as "cli:root" for commands run by an operator.
# (core sits below accounts, so it knows users only as Django's base user model).
Actor: TypeAlias = "AbstractBaseUser | str | None"

GENESIS = "0" * 64
# Taken only by sealers (appends take no lock); the number is PAVE's, arbitrary.
_SEALER_LOCK_KEY = 7_270_001
SEAL_BATCH = 5000
# An event unsealed for longer than this means the sealer is not running: reported by verify.
STALE_AFTER = datetime.timedelta(minutes=5)

# Set per request by ClientAddressMiddleware, per command by the CLI.
client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def _canonical(event: AuditEvent) -> bytes:
    body: dict[str, Any] = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "organisation": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "client_address": event.client_address,
        "fields": event.fields,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    if event.key_id:  # unkeyed rows keep the body they were hashed with
        body["key_id"] = event.key_id
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    """The row's hash: HMAC under the audit key for keyed rows, plain SHA-256 for rows written
    before keyed chains (and by the attack the keyed chain defeats)."""
    if not event.key_id:
        return hashlib.sha256(_canonical(event)).hexdigest()
    key = crypto.audit_key()
    if event.key_id != key.key_id:
        raise ImproperlyConfigured(f"audit key {event.key_id} is not the configured one")
    return key.sign(_canonical(event))


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event, unsealed. Call inside the transaction of the write it describes: the
    event commits (or rolls back) with it.

    One INSERT, no lock and no read of the log: concurrent requests never wait for each other
    here. `audit_seal()` later gives the event its `seq` and chain hash. The row names the audit
    key it is to be signed with (the process's key: a lost key file fails here already; a
    replaced key is refused at start-up, pave.core.keycheck, and by the sealer).

    `fields` are the *names* of fields read or changed; values never enter the log.
    """
    key = crypto.audit_key()
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    # core knows users as the base model; the column is the configured user model.
    real_actor: Any = None if isinstance(actor, str) or actor is None else actor
    event = AuditEvent(
        at=timezone.now(),
        actor_id=getattr(real_actor, "pk", None),
        actor_label=getattr(actor, "username", None) or str(actor or "system"),
        organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        client_address=client_address.get(),
        fields=sorted(set(fields)),
        detail=detail or {},
        key_id=key.key_id,
    )
    event.save(force_insert=True)
    return event


def _lock_sealer() -> None:
    """One sealer at a time, across processes: a PostgreSQL advisory lock that only sealers
    take (appends never do); on SQLite the sealing transaction holds the single writer lock
    (transaction_mode IMMEDIATE) from its start."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEALER_LOCK_KEY])


def audit_seal(*, batch: int = SEAL_BATCH) -> int:
    """Seal the committed unsealed events: give each the next `seq` and chain it (keyed HMAC
    over the same canonical form as ever, covering the previous row's hash). Returns how many
    were sealed. Run every ~2 seconds by the worker's scheduler (`pave worker --seal-every`),
    once by `pave worker --batch`, and first by `pave audit verify`, `pave audit checkpoint`, the
    hourly checkpoint task and `pave backup`.

    Each batch is one transaction under the sealer lock: it reads the head of the sealed chain,
    then up to `batch` unsealed events ordered by id, and writes their seq, prev_hash and hash
    (the only change the PostgreSQL trigger allows, once per row). A crash mid-batch rolls the
    whole batch back; the next run seals the same events.

    Only committed events are visible to the sealer, and ids are handed out at INSERT, not at
    commit: an event can commit after the sealer has already sealed events with higher ids
    (a long request that wrote its event early). It is not lost or "out of order": it is simply
    unsealed when the next batch runs, and sealed then, with a later seq than those higher ids.
    The seq is the sealing order, which follows commit order up to a few seconds, not the id
    order; `at` is the appending process's clock, informational only.
    """
    unsealed = AuditEvent.objects.filter(seq__isnull=True)
    if not unsealed.exists():  # the usual case between requests: no lock taken at all
        return 0
    sealed = 0
    while True:
        with transaction.atomic():
            _lock_sealer()
            pending = list(unsealed.order_by("id")[:batch])
            if not pending:
                return sealed
            key = crypto.audit_key()
            head = (
                AuditEvent.objects.filter(seq__isnull=False)
                .order_by("-seq")
                .values_list("seq", "hash", "key_id")
                .first()
            )
            if head and head[2] and head[2] != key.key_id:
                # Never continue a chain under another key: the right one is lost or replaced.
                raise crypto.MissingKeyError(
                    f"audit key {head[2]} missing: the audit log is signed with it, and "
                    f"{key.source} holds another key ({key.key_id}). Restore it from your backup."
                )
            seq, prev_hash = (head[0] or 0, head[1] or GENESIS) if head else (0, GENESIS)
            for event in pending:
                if event.key_id != key.key_id:
                    raise crypto.MissingKeyError(
                        f"audit event id={event.pk} is to be signed with audit key "
                        f"{event.key_id or '-'}, and {key.source} holds {key.key_id}: "
                        "restore the key it was written under."
                    )
                seq += 1
                event.seq, event.prev_hash = seq, prev_hash
                event.hash = prev_hash = compute_hash(event)
                event.save(update_fields=["seq", "prev_hash", "hash"])
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


@dataclass(frozen=True)
class Pending:
    """Events appended but not sealed yet: how many, and the time of the oldest."""

    count: int
    oldest: datetime.datetime | None

    def stale(self, now: datetime.datetime | None = None) -> bool:
        """Whether the oldest has waited longer than STALE_AFTER: the sealer is not running."""
        return self.oldest is not None and (now or timezone.now()) - self.oldest > STALE_AFTER


def audit_pending() -> Pending:
    unsealed = AuditEvent.objects.filter(seq__isnull=True)
    oldest = unsealed.order_by("id").values_list("at", flat=True).first()
    return Pending(unsealed.count() if oldest is not None else 0, oldest)


def audit_record_daily(*, actor: Actor, action: str, obj: Any, fields: Iterable[str] = ()) -> bool:
    """Record `action` on `obj` at most once per day (UTC); True if recorded now.

    For anonymous lookups anyone can repeat (the public certificate check): one row per object
    and day keeps who-looked-at-what without letting a script grow the chained log by a row
    per request. Two processes racing on the first lookup may both record: at most a few."""
    start = (
        timezone.now().astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    )
    seen = AuditEvent.objects.filter(
        object_type=obj._meta.model_name, object_id=str(obj.pk), action=action, at__gte=start
    )
    if seen.exists():
        return False
    audit_record(actor=actor, action=action, obj=obj, fields=fields, detail={"per": "day"})
    return True


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None  # None: an unsealed event
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        if self.seq is None:
            return f"unsealed audit row id={self.event_id}: {self.reason}"
        return f"audit row seq={self.seq} (id={self.event_id}): {self.reason}"


def stale_problem(pending: Pending) -> ChainProblem | None:
    """The problem an old unsealed event is: until sealed, it could be deleted without trace."""
    if not pending.stale():
        return None
    first = AuditEvent.objects.filter(seq__isnull=True).order_by("id").values_list("pk").first()
    return ChainProblem(
        None,
        first[0] if first else None,
        f"not sealed for more than {int(STALE_AFTER.total_seconds() // 60)} minutes "
        f"({pending.count} event(s) pending, the oldest from {pending.oldest:%Y-%m-%d %H:%M:%S}"
        " UTC): the sealer is not running (pave worker)",
    )


def audit_verify(
    events: Iterable[AuditEvent] | None = None, *, pending: Pending | None = None
) -> Iterator[ChainProblem]:
    """Yield every break in the sealed chain, in order; no output means the log is intact.

    Unsealed events are not part of the chain yet and are not breaks. Verifying the whole log
    (no `events`), one unsealed for more than STALE_AFTER is a problem, the last one yielded:
    the sealer is not running, and until sealed such a row could be deleted unnoticed. Pass
    `pending` (audit_pending() taken before sealing) to judge the events as they were then."""
    whole_log = events is None
    if events is None:
        events = (
            AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=5000)
        )
    try:
        key: crypto.AuditKey | None = crypto.audit_key()
    except ImproperlyConfigured as exc:
        key, key_problem = None, str(exc)
    unkeyed_until = unkeyed_rows_checkpointed()
    expected_seq, prev_hash, keyed = 1, GENESIS, False
    for event in events:
        seq = event.seq
        if seq is None:
            continue  # unsealed: not in the chain yet
        if seq != expected_seq:
            yield ChainProblem(expected_seq, None, f"missing (next row present is {seq})")
        elif event.prev_hash != prev_hash:
            yield ChainProblem(seq, event.pk, "previous-hash link broken")
        if event.key_id:
            keyed = True
            if key is None or event.key_id != key.key_id:
                reason = key_problem if key is None else "not the configured audit key"
                yield ChainProblem(seq, event.pk, f"signed with audit key {event.key_id}: {reason}")
            elif compute_hash(event) != event.hash:
                yield ChainProblem(seq, event.pk, "contents altered (hash mismatch)")
        elif keyed:
            # Keyed chains never go back to plain hashes: this row was re-hashed without the key.
            yield ChainProblem(seq, event.pk, "unsigned row after the keyed chain began")
        elif seq > unkeyed_until:
            # Unsigned rows are those of an older release, checkpointed at the upgrade; others
            # were re-hashed without the key (the whole log rewritten the unkeyed way).
            yield ChainProblem(seq, event.pk, "unsigned row no checkpoint vouches for")
        elif compute_hash(event) != event.hash:
            yield ChainProblem(seq, event.pk, "contents altered (hash mismatch)")
        expected_seq, prev_hash = seq + 1, event.hash or ""
    if whole_log:
        problem = stale_problem(pending or audit_pending())
        if problem is not None:
            yield problem


# --- Checkpoints: the chain's head, anchored outside the database -----------------------------

CHECKPOINT_TAG = "pave-audit-checkpoint"


@dataclass(frozen=True)
class Checkpoint:
    at: str
    seq: int
    hash: str
    key_id: str

    def line(self) -> str:
        return (
            f"{CHECKPOINT_TAG} {self.at} seq={self.seq} hash={self.hash} key={self.key_id or '-'}"
        )


def checkpoint_file() -> Path:
    return Path(settings.PAVE_AUDIT_CHECKPOINT_FILE)


def checkpoints_read(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file (none if there is no file); a malformed line is an error."""
    path = path or checkpoint_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            tag, at, seq, hash_, key = line.split()
            if tag != CHECKPOINT_TAG or not seq.startswith("seq=") or not hash_.startswith("hash="):
                raise ValueError(line)
            key_id = key.removeprefix("key=")
            found.append(Checkpoint(at, int(seq[4:]), hash_[5:], "" if key_id == "-" else key_id))
        except ValueError as exc:
            raise ValueError(f"{path} line {number} is not a checkpoint") from exc
    return found


def _sealed_head() -> QuerySet[AuditEvent]:
    """Sealed events, newest first (unsealed ones have no seq: PostgreSQL sorts NULL first)."""
    return AuditEvent.objects.filter(seq__isnull=False).order_by("-seq")


def checkpoints_verify(path: Path | None = None) -> Iterator[str]:
    """Yield one sentence per checkpoint the database no longer matches: a covered row missing
    (deleted, the table emptied, the head rolled back) or different (rewritten)."""
    points = checkpoints_read(path)
    if not points:
        return
    stored: dict[int, str] = {}
    wanted = sorted({point.seq for point in points})
    for start in range(0, len(wanted), 500):
        rows = AuditEvent.objects.filter(seq__in=wanted[start : start + 500])
        stored.update((seq, hash_ or "") for seq, hash_ in rows.values_list("seq", "hash") if seq)
    head = _sealed_head().values_list("seq", flat=True).first() or 0
    for point in points:
        if point.seq not in stored:
            yield (
                f"checkpoint of {point.at} covers seq={point.seq}, but that row is missing "
                f"(the log now ends at seq={head})"
            )
        elif stored[point.seq] != point.hash:
            yield f"checkpoint of {point.at}: row seq={point.seq} differs from the one recorded"


def unkeyed_rows_checkpointed() -> int:
    """Up to which seq unsigned rows (from before keyed chains) are vouched for: the highest
    checkpoint of an unsigned head, written when the upgrade's `pave migrate` ran."""
    try:
        points = checkpoints_read()
    except ValueError:
        return 0
    return max((point.seq for point in points if not point.key_id), default=0)


def audit_checkpoint_unkeyed_head() -> Checkpoint | None:
    """On upgrade (after `pave migrate`): anchor the rows written before keyed chains, so that
    they verify as before while a log re-hashed without the key does not."""
    head = _sealed_head().first()
    if head is None or head.key_id or unkeyed_rows_checkpointed() >= (head.seq or 0):
        return None
    return audit_checkpoint()


def audit_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """Append the head's seq and keyed hash to the checkpoint file (mode 0600); None when the
    log is empty. Verify before: a checkpoint of a broken chain anchors the breakage.
    Checkpoints cover sealed rows only: seal first (audit_seal) to include the newest events."""
    head = _sealed_head().first()
    if head is None:
        return None
    point = Checkpoint(
        at=timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        seq=head.seq or 0,
        hash=head.hash or "",
        key_id=head.key_id,
    )
    path = path or checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(point.line() + "\n")
    os.chmod(path, 0o600)
    return point
