"""`{% load monitoring_tags %}`: what the navigation and the report pages need."""

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from pave.core.codelists import Sex
from pave.monitoring.selectors import may_read_reports

register = template.Library()


@register.filter
def reads_reports(user: Any) -> bool:
    """Whether the Results link is shown: report readers and donor viewers."""
    return bool(getattr(user, "is_authenticated", False)) and may_read_reports(user)


@register.filter
def percent(share: float | None) -> str:
    """A share 0..1 as a whole percentage ("56 %"), the way the budget pages print it."""
    return "" if share is None else f"{round(share * 100)} %"


@register.filter
def indicator_label(result: Any, language: str) -> str:
    """The indicator's label in the reader's language when it has one (Arabic)."""
    if language == "ar" and result.label_ar:
        return str(result.label_ar)
    return str(result.label)


SEX_AGE = {
    "women": _("Women"),
    "men": _("Men"),
    "minors": _("Minors"),
    "other": _("Other or not known"),
    "unknown": _("Not known"),
}
AGE_GROUPS = {"adult": _("Adults"), "minor": _("Minors")}


@register.filter
def category_label(key: str) -> str:
    """A breakdown's category as readers say it: "women", "sex:female" → "Female",
    "country:LB" → "Lebanon"; other categories keep their code."""
    dimension, _sep, category = key.rpartition(":")
    if not dimension:
        return str(SEX_AGE.get(key, key))
    if category in ("unknown", ""):
        return str(SEX_AGE["unknown"])
    if dimension == "sex" and category in Sex.values:
        return str(Sex(category).label)
    if dimension == "age_group":
        return str(AGE_GROUPS.get(category, category))
    if dimension in ("country", "citizenship"):
        return str(countries.name(category)) or category
    return category
