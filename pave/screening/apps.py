from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "pave.screening"
    label = "screening"
    verbose_name = "Victim screening"
