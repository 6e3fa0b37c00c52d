from django.apps import AppConfig


class InteropConfig(AppConfig):
    """File formats: reading CSV/XLSX and writing CSV/XLSX/JSON safely for every part of PAVE.
    Low in the layers: it knows formats, not PAVE's domain models."""

    name = "pave.interop"
    label = "interop"
    verbose_name = "PAVE interoperability"
