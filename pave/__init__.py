"""PAVE: Protect and Assist Vulnerable and Exploited migrants."""

__version__ = "0.1.0"
