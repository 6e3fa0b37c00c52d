"""The service directory: which organisation offers which service where."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pave.accounts.models import User
from pave.core.audit import audit_record
from pave.core.toolkit import Errors, add_error, model_update, raise_if, reject_unknown_fields
from pave.referrals import selectors
from pave.referrals.models import ServiceDirectoryEntry
from pave.referrals.roles import DIRECTORY_EDITORS
from pave.referrals.services.common import clean_text

UPDATABLE = ("active", "city", "contact_notes")
# What staff edit in /staff/, for any organisation.
STAFF_FIELDS = ("organisation", "service_type", "country", "city", "contact_notes", "active")


def _not_listed(organisation: Any) -> str:
    return _(
        "%(org)s cannot be listed in the service directory: its type may not receive "
        "person-level data."
    ) % {"org": organisation.name}


def _require_editor(actor: User) -> None:
    if actor.role not in DIRECTORY_EDITORS:
        raise PermissionDenied(_("Only an administrator can edit the service directory."))


@transaction.atomic
def directory_entry_create(
    *, actor: User, service_type_id: int, country: str, city: str = "", contact_notes: str = ""
) -> ServiceDirectoryEntry:
    """An administrator says their organisation offers a service in a country (and city)."""
    _require_editor(actor)
    if not actor.organisation.may_receive_person_data:
        raise PermissionDenied(_not_listed(actor.organisation))
    errors: Errors = {}
    if not selectors.service_type_exists(service_type_id):
        add_error(errors, "service_type", _("Choose a service from the catalogue."))
    contact_notes = clean_text(errors, "contact_notes", contact_notes)
    raise_if(errors)
    entry = ServiceDirectoryEntry(
        organisation_id=actor.organisation_id,
        service_type_id=service_type_id,
        country=(country or "").upper(),
        city=(city or "").strip(),
        contact_notes=contact_notes,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="directory.create",
        obj=entry,
        fields=["service_type", "country", "city", "contact_notes"],
    )
    return entry


@transaction.atomic
def directory_entry_update(
    *,
    actor: User,
    entry_id: int,
    active: bool | None = None,
    city: str | None = None,
    contact_notes: str | None = None,
) -> ServiceDirectoryEntry:
    """Change an entry of the actor's organisation; None leaves a field as it is."""
    _require_editor(actor)
    entry = selectors.directory_entry_get_for_editor(user=actor, entry_id=entry_id)
    given: dict[str, Any] = {"active": active, "city": city, "contact_notes": contact_notes}
    data = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in given.items()
        if value is not None
    }
    changed = model_update(entry, data, UPDATABLE)
    if changed:
        entry.full_clean()
        entry.save()
        audit_record(actor=actor, action="directory.update", obj=entry, fields=changed)
    return entry


def _require_staff(actor: User) -> None:
    if not (actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only staff edit other organisations' directory entries."))


@transaction.atomic
def directory_entry_staff_create(*, actor: User, data: Mapping[str, Any]) -> ServiceDirectoryEntry:
    """Staff (in /staff/) list a service offered by any organisation."""
    _require_staff(actor)
    reject_unknown_fields(data, STAFF_FIELDS)
    entry = ServiceDirectoryEntry(**data)
    if entry.organisation_id and not entry.organisation.may_receive_person_data:
        raise ValidationError({"organisation": [_not_listed(entry.organisation)]})
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="directory.create",
        obj=entry,
        fields=[name for name in STAFF_FIELDS if name in data],
        detail={"organisation": entry.organisation_id},
    )
    return entry


@transaction.atomic
def directory_entry_staff_update(
    *, actor: User, entry_id: int, data: Mapping[str, Any]
) -> ServiceDirectoryEntry:
    """Staff (in /staff/) change the entry of any organisation."""
    _require_staff(actor)
    reject_unknown_fields(data, STAFF_FIELDS)
    entry = ServiceDirectoryEntry.objects.select_for_update().get(pk=entry_id)
    changed = model_update(entry, data, STAFF_FIELDS)
    if "organisation" in changed and not entry.organisation.may_receive_person_data:
        raise ValidationError({"organisation": [_not_listed(entry.organisation)]})
    if changed:
        entry.full_clean()
        entry.save()
        audit_record(
            actor=actor,
            action="directory.update",
            obj=entry,
            fields=changed,
            detail={"organisation": entry.organisation_id},
        )
    return entry
