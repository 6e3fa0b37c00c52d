"""The small toolkit every app's services share (as HackSoft's `model_update`).

Error keys follow one convention everywhere, web and API alike: the name of the field as the
caller sent it, nested names joined with dots (``person.sex``), and ``__all__`` for an error
that belongs to no single field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Errors = dict[str, list[str]]

NON_FIELD = "__all__"


class ConflictError(Exception):
    """The record changed since the version the caller based its edit on (HTTP 409)."""

    def __init__(self, current_version: int, message: str | None = None):
        super().__init__(
            message
            or _(
                "This case was changed by someone else (now version %(v)s). Reload it, "
                "re-apply your changes and save again."
            )
            % {"v": current_version}
        )
        self.current_version = current_version


def add_error(errors: Errors, name: str, message: str) -> None:
    """Append `message` to the errors of field `name`."""
    errors.setdefault(name, []).append(message)


def raise_if(errors: Errors) -> None:
    """Raise the collected errors as one ValidationError, if there are any."""
    if errors:
        raise ValidationError(errors)


def reject_unknown_fields(
    data: Mapping[str, Any], allowed: Iterable[str], prefix: str = ""
) -> None:
    """Refuse names the caller sent that the operation does not know: nothing is dropped
    silently. `prefix` names the nesting (``"person."``)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({f"{prefix}{name}": [_("Unknown field.")] for name in unknown})


def full_clean_errors(instance: Any, *, exclude: Iterable[str] = ()) -> Errors:
    """The model's own validation as an error dict (empty when valid)."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        return dict(exc.message_dict)
    return {}


def model_update(
    instance: Any,
    data: Mapping[str, Any],
    fields: Iterable[str],
    *,
    convert: Callable[[str, Any], tuple[str, Any]] | None = None,
) -> list[str]:
    """Set on `instance` those of `fields` present in `data` whose value differs; return the
    names that changed, in the order of `fields`. Nothing is saved.

    `convert(name, value)` may turn a submitted value into the attribute to set and its value
    (for example ``("office_id", office.pk)``); the name reported stays the submitted one.
    """
    changed: list[str] = []
    for name in fields:
        if name not in data:
            continue
        attribute, value = convert(name, data[name]) if convert else (name, data[name])
        if getattr(instance, attribute) != value:
            setattr(instance, attribute, value)
            changed.append(name)
    return changed


def nest_errors(exc: ValidationError, names: Iterable[str], prefix: str) -> ValidationError:
    """Report the errors of the fields in `names` under `prefix` (``person.sex``), matching
    the shape of the request body that sent them nested."""
    names = set(names)
    # The errors themselves, not their messages: the API's error answer needs their code and
    # parameters to leave out a submitted value (pave.api).
    return ValidationError(
        {(f"{prefix}{k}" if k in names else k): v for k, v in exc.error_dict.items()}
    )
