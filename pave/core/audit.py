"""The append-only, hash-chained audit log: writing events and verifying the chain."""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from pave.core.models import AuditEvent

# Who acts: a user, or a label such as "cli:root" for commands run by an operator.
# (core sits below accounts, so it knows users only as Django's base user model).
Actor: TypeAlias = "AbstractBaseUser | str | None"

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 7_270_001

# Set per request by ClientAddressMiddleware, per command by the CLI.
client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def _canonical(event: AuditEvent) -> bytes:
    body = {
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
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _lock_chain() -> None:
    """Serialise appends across processes: PostgreSQL advisory lock; SQLite's writer lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


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
    """Append one event. Call inside the transaction of the write it describes.

    `fields` are the *names* of fields read or changed; values never enter the log.
    """
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        if obj is not None:
            object_type = object_type or obj._meta.model_name
            object_id = object_id or obj.pk
        real_actor = None if isinstance(actor, str) or actor is None else actor
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            # The FK is to AUTH_USER_MODEL (django-stubs: User); core names it AbstractBaseUser
            # so as not to import accounts.
            actor=real_actor,  # type: ignore[misc]
            actor_label=getattr(actor, "username", None) or str(actor or "system"),
            organisation_id=getattr(actor, "organisation_id", None),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            client_address=client_address.get(),
            fields=sorted(set(fields)),
            detail=detail or {},
            prev_hash=prev_hash,
        )
        event.hash = compute_hash(event)
        event.save(force_insert=True)
        return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit row seq={self.seq} (id={self.event_id}): {self.reason}"


def audit_verify(events: Iterable[AuditEvent] | None = None) -> Iterator[ChainProblem]:
    """Yield every break in the chain, in order; no output means the log is intact."""
    if events is None:
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)
    expected_seq, prev_hash = 1, GENESIS
    for event in events:
        if event.seq != expected_seq:
            yield ChainProblem(expected_seq, None, f"missing (next row present is {event.seq})")
        elif event.prev_hash != prev_hash:
            yield ChainProblem(event.seq, event.pk, "previous-hash link broken")
        if compute_hash(event) != event.hash:
            yield ChainProblem(event.seq, event.pk, "contents altered (hash mismatch)")
        expected_seq, prev_hash = event.seq + 1, event.hash
