from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pave.cases"
    label = "cases"
    verbose_name = "Persons and cases"
    # `pave keys rotate` rebuilds the name, identity and phone indexes (pave.core.extensions).
    reindexer = "pave.cases.services.person_reindex_all"
