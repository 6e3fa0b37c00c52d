"""Model fields whose values are encrypted at rest (see crypto.py).

The associated data binds each ciphertext to its column ("cases.Person.given_name"), so a
value copied into another column does not decrypt there.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django import forms
from django.apps import apps
from django.db import models

from pave.core.crypto import keyring


class EncryptedTextField(models.TextField):
    """Free text stored as AES-256-GCM ciphertext; empty strings stay empty (no secret in '')."""

    # Found by crypto.stored_data_key_ids (which cannot import this module) through this flag.
    encrypted = True

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return keyring().decrypt(value, self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return keyring().encrypt(str(value), self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Comparing ciphertexts is meaningless: only null/emptiness checks are allowed.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    """A date kept as encrypted ISO text; Python side sees datetime.date."""

    # Tell django-stubs the Python-side types (it would otherwise infer str from TextField).
    _pyi_private_set_type: datetime.date | str | None  # type: ignore[assignment]
    _pyi_private_get_type: datetime.date | None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any):
        # Python side: no date is None (the column still stores "" for it).
        kwargs.setdefault("default", None)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return datetime.date.fromisoformat(text) if text else None

    def to_python(self, value: Any) -> datetime.date | None:
        if value in (None, "") or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> Any:
        if value in (None, ""):
            return ""
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return super().get_prep_value(value)

    def formfield(self, **kwargs: Any) -> Any:
        return forms.DateField(required=not self.blank, **kwargs)


def encrypted_columns() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted column of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
