"""Locale format overrides (settings.FORMAT_MODULE_PATH), only where Django's own are missing
something PAVE's readers need; everything not defined here comes from Django's locale."""
