"""Template filters for showing stored codes and user-entered text as readers should see them."""

from django import template
from django.utils.html import format_html

from pave.core.codelists import country_names

register = template.Library()

register.filter("country_names", country_names)


@register.filter(is_safe=True)
def bdi(value: object) -> str:
    """VALUE (escaped) inside a <bdi> element: text a user typed (a name) is isolated from the
    sentence around it, so a right-to-left override character (U+202E) in it cannot reorder
    and disguise the rest of the line. For names placed inside translated sentences, where a
    literal <bdi> would change the message: `{% blocktranslate with who=name|bdi %}`."""
    return format_html("<bdi>{}</bdi>", value)
