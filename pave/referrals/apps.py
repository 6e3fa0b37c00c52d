from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "pave.referrals"
    label = "referrals"
    verbose_name = "Consent and referrals"
