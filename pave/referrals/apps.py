from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "pave.referrals"
    label = "referrals"
    verbose_name = "Consent and referrals"
    # Referrals sent are a source of the counting engine (pave.core.counting).
    counting_sources = "pave.referrals.counting.SOURCES"
