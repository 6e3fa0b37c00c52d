from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "pave.training"
    label = "training"
    verbose_name = "Capacity building and outreach"
    # `pave keys rotate` rebuilds the matching indexes so a person stays one participant.
    reindexer = "pave.training.services.participant_reindex_all"
    # Event participants are a source of the counting engine (pave.core.counting).
    counting_sources = "pave.training.counting.SOURCES"
