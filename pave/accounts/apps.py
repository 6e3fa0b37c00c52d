from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pave.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
    # Sign-ins, refused sign-ins and sign-outs in the audit log.
    signal_receivers = "pave.accounts.signals.signals_connect"
