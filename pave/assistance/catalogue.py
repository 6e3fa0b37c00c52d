"""The catalogue every PAVE installation starts with (DESIGN §3): three families of services."""

from django.utils.translation import gettext_noop as _

DEFAULT_CATALOGUE: list[tuple[str, str, str]] = [
    # (code, family, name)
    ("travel-documents", "return", _("Travel documents")),
    ("ticket", "return", _("Travel ticket")),
    ("escort", "return", _("Escort during travel")),
    ("reception-on-arrival", "return", _("Reception on arrival")),
    ("shelter", "recovery", _("Shelter")),
    ("medical", "recovery", _("Medical care")),
    ("psychosocial-recovery", "recovery", _("Psychosocial support")),
    ("legal-aid", "recovery", _("Legal aid")),
    ("economic-reintegration", "reintegration", _("Economic reintegration")),
    ("social-reintegration", "reintegration", _("Social reintegration")),
    ("psychosocial-reintegration", "reintegration", _("Psychosocial reintegration")),
]
