"""`{% load training_tags %}`: what the navigation needs to know about training."""

from typing import Any

from django import template

from pave.training.certificates import format_code
from pave.training.selectors import may_read_aggregates

register = template.Library()


@register.filter
def sees_training(user: Any) -> bool:
    """Whether the Training link is shown: managers (events) and donor viewers (results)."""
    return bool(getattr(user, "is_authenticated", False)) and may_read_aggregates(user)


@register.filter
def certificate_code(code: str) -> str:
    """A stored code as printed: ABCD-EFGH-JKMN."""
    return format_code(code or "")
