from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "pave.screening"
    label = "screening"
    verbose_name = "Victim screening"
    # `pave keys rotate` rebuilds the detainee-number index so search keeps working.
    reindexer = "pave.screening.services.screening_reindex_all"
    system_checks = ["pave.screening.checks.check_instruments"]
    # Screening interviews are a source of the counting engine (pave.core.counting).
    counting_sources = "pave.screening.counting.SOURCES"
