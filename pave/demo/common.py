"""What every part of the demo shares: its actor, seed and dates, its error, and small helpers
for drawing and dating."""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

DEMO_ACTOR = "cli:demo"
DEMO_SEED = 20140630
DEMO_ORGANISATION = "IOM-LB"
# The factsheet's "as of" date: demo stages are what they would have been then, and
# nothing in the demo happened later.
DEMO_AS_OF = datetime.date(2014, 6, 30)
PROJECT_START = datetime.date(2013, 7, 1)


class DemoError(Exception):
    """The demo cannot be loaded or generated here (the message says why)."""


class Weighted:
    """A weighted choice with its cumulative weights computed once (hot path of generate)."""

    def __init__(self, pairs: Sequence[tuple[Any, int]]):
        self.values = [value for value, _weight in pairs]
        self.cum = list(itertools.accumulate(weight for _value, weight in pairs))

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cum)[0]


def delta_days(n: int | float) -> datetime.timedelta:
    return datetime.timedelta(days=int(n))


def clamp(day: datetime.date, low: datetime.date, high: datetime.date) -> datetime.date:
    return max(low, min(day, high))


def at_time(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
