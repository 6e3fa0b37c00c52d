from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "pave.training"
    label = "training"
    verbose_name = "Capacity building and outreach"

    def ready(self) -> None:
        from pave.core.services import register_reindexer
        from pave.training.services import participant_reindex_all

        # `pave keys rotate` rebuilds the matching indexes so a person stays one participant.
        register_reindexer(participant_reindex_all)
