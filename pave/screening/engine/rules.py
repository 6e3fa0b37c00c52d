"""Dimension rules: when the observed indicators of one dimension make it positive."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType


def delphi_reason(strong: int, medium: int, weak: int) -> str | None:
    """Why a dimension is positive under the ILO/EC 2009 Delphi rule, or None if it is not.

    Preconditions: counts of observed indicators of each strength, all >= 0.
    """
    if strong >= 2:
        return "2 or more strong indicators"
    if strong >= 1 and medium + weak >= 1:
        return "a strong indicator with a medium or weak one"
    if medium >= 3:
        return "3 or more medium indicators"
    if medium >= 2 and weak >= 1:
        return "2 medium indicators with a weak one"
    return None


def delphi_positive(strong: int, medium: int, weak: int) -> bool:
    """The Delphi rule (same branches as :func:`delphi_reason`, kept apart for speed)."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def any_reason(strong: int, medium: int, weak: int) -> str | None:
    """Why a dimension is positive under the ``any`` rule, or None if it is not."""
    return "at least one indicator" if strong + medium + weak >= 1 else None


def any_rule_positive(strong: int, medium: int, weak: int) -> bool:
    """The ``any`` rule: one observed indicator of whatever strength suffices."""
    return strong + medium + weak >= 1


@dataclass(frozen=True)
class DimensionRule:
    name: str
    positive: Callable[[int, int, int], bool]
    reason: Callable[[int, int, int], str | None]


DIMENSION_RULES: Mapping[str, DimensionRule] = MappingProxyType(
    {
        "delphi": DimensionRule("delphi", delphi_positive, delphi_reason),
        "any": DimensionRule("any", any_rule_positive, any_reason),
    }
)
