from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Safe statistics (small-cell suppression) and, later, retention, differential privacy
    and privacy-preserving linkage. Low in the layers: it knows no domain app."""

    name = "pave.privacy"
    label = "privacy"
    verbose_name = "PAVE privacy"
