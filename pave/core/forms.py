"""Form helpers shared by every app's web pages."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, *, strip_prefix: str = "") -> None:
    """Show a service's {field: [messages]} on the matching inputs, the rest above the form.

    `strip_prefix` maps nested keys onto flat inputs (the cases form shows "person.phone" as
    its "phone" field).
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, messages in exc.message_dict.items():
        field = name.removeprefix(strip_prefix) if strip_prefix else name
        form.add_error(field if field in form.fields else None, messages)
