from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "pave.assistance"
    label = "assistance"
    verbose_name = "Direct assistance"
