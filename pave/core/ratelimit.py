"""A fixed-window rate limit per client address, counted in the database.

Django's default cache is per process: behind gunicorn's workers a per-process count would
multiply the limit by the number of workers. The count lives in core.RateWindow instead (one
row per scope, client and window, incremented atomically), shared by every process and
needing no cache table or extra service. Windows older than the previous one are deleted as
new windows open, so the table stays small.
"""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from pave.core.models import RateWindow


def rate_limit_hit(*, scope: str, client: str, limit: int, window_seconds: int) -> bool:
    """Count one hit of `client` in `scope`; True while it is within `limit` per window."""
    window = int(time.time()) // max(window_seconds, 1)
    rows = RateWindow.objects.filter(scope=scope, client=client[:64], window=window)
    with transaction.atomic():
        if not rows.update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateWindow.objects.create(
                        scope=scope, client=client[:64], window=window, hits=1
                    )
            except IntegrityError:  # another process opened the window a moment ago
                rows.update(hits=F("hits") + 1)
            else:
                RateWindow.objects.filter(scope=scope, window__lt=window - 1).delete()
        hits = rows.values_list("hits", flat=True).first() or 0
    return hits <= limit
