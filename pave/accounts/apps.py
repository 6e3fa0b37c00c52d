from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pave.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
