"""Reads of the privacy settings every safe output is held to."""

from __future__ import annotations

from django.conf import settings


def suppression_threshold() -> int:
    """Counts below this are suppressed in anything that leaves the organisation
    (PAVE_SUPPRESSION_THRESHOLD, defined once in config/settings.py)."""
    return int(settings.PAVE_SUPPRESSION_THRESHOLD)
