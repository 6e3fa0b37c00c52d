from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pave.core"
    label = "core"
    verbose_name = "PAVE core"
