from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pave.cases"
    label = "cases"
    verbose_name = "Persons and cases"
    # `pave keys rotate` rebuilds the name, identity and phone indexes (pave.core.extensions).
    reindexer = "pave.cases.services.person_reindex_all"
    # Cases are a source of the counting engine (pave.core.counting).
    counting_sources = "pave.cases.counting.SOURCES"
