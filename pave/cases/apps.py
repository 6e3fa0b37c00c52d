from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pave.cases"
    label = "cases"
    verbose_name = "Persons and cases"

    def ready(self) -> None:
        from pave.cases.services import person_reindex_all
        from pave.core.services import register_reindexer

        register_reindexer(person_reindex_all)
