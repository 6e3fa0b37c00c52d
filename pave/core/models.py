from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only, hash-chained entry: who did what to which object, never the values.

    `seq` is contiguous (1, 2, 3, ...) so a deleted row shows as a gap; `hash` covers the row
    and the previous row's hash, so an altered row breaks the chain from there on. `hash` is an
    HMAC-SHA-256 under the audit key named by `key_id` (a key kept outside the database); rows
    written before keyed chains have an empty `key_id` and a plain SHA-256 (see audit.py).

    A request appends its event unsealed: `seq`, `prev_hash` and `hash` stay NULL until the
    sealer (audit.audit_seal, run by the worker) sets them, once. `id` is the append order.
    """

    seq = models.PositiveBigIntegerField(unique=True, null=True)
    at = models.DateTimeField(db_index=True)
    # No foreign-key constraint: deleting a user must not rewrite (and so break) the chain.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150)
    organisation_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, null=True)  # noqa: DJ001 - NULL until sealed
    hash = models.CharField(max_length=64, null=True)  # noqa: DJ001 - NULL until sealed
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "seq"]),
            # The sealer's work list, small however large the log grows.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        number = f"#{self.seq}" if self.seq is not None else f"(unsealed, id {self.pk})"
        return f"{number} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"


class Counter(models.Model):
    """Named monotonically increasing counters (pseudonymous reference numbers)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ScheduledJob(models.Model):
    """When a periodic task is next due. Workers claim a due run with one conditional UPDATE,
    so however many workers run, each period's task is enqueued once."""

    name = models.CharField(max_length=200, primary_key=True)
    every_seconds = models.PositiveIntegerField()
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} every {self.every_seconds}s, next {self.next_run_at:%Y-%m-%d %H:%M}"


class KeyCanary(models.Model):
    """A known text encrypted under one data key: proves at start-up and in /healthz that the
    configured key with this id is the one the data was written with. One row per key id,
    written when the key is first used; its presence also says "data under this key exists"."""

    key_id = models.CharField(max_length=32, unique=True)
    token = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"canary {self.key_id}"


class RateWindow(models.Model):
    """Hits per client and fixed time window, shared by every worker process through the
    database (see pave.core.ratelimit)."""

    scope = models.CharField(max_length=32)
    client = models.CharField(max_length=64)
    window = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "window"], name="rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.client} @{self.window}: {self.hits}"
