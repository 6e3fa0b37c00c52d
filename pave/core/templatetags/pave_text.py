"""Template filters for showing stored codes as readers know them."""

from django import template

from pave.core.codelists import country_names

register = template.Library()

register.filter("country_names", country_names)
