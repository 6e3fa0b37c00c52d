from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pave.demo"
    label = "demo"
    verbose_name = "Demo programme"
