"""Writes of events and their sessions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation
from pave.core.audit import Actor, audit_record
from pave.core.toolkit import reject_unknown_fields
from pave.training.models import (
    Event,
    Session,
)
from pave.training.services.common import (
    EVENT_FIELDS,
    MAX_DESCRIPTION,
    acting_user,
    add_error,
    event_for_actor,
    organisation_of,
    raise_if,
    require_manager,
)

# --- events and sessions ---------------------------------------------------------------------


def _clean_topics(errors: dict[str, list[str]], topics: Any) -> list[str]:
    if isinstance(topics, str):
        topics = topics.split(",")
    cleaned = list(dict.fromkeys(" ".join(str(t).split()) for t in topics or [] if str(t).strip()))
    if any(len(topic) > 100 for topic in cleaned) or len(cleaned) > 30:
        add_error(errors, "topics", _("At most 30 topics of at most 100 characters each."))
    return cleaned


def _clean_partners(
    errors: dict[str, list[str]], partner_ids: Iterable[int], organiser: Organisation
) -> list[Organisation]:
    ids = list(dict.fromkeys(int(pk) for pk in partner_ids or []))
    partners = list(Organisation.objects.filter(pk__in=ids))
    if len(partners) != len(ids):
        add_error(errors, "partners", _("No such organisation."))
    if organiser.pk in ids:
        add_error(errors, "partners", _("The organiser is not its own partner."))
    return partners


def _apply_event(
    event: Event, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> tuple[list[str], list[Organisation] | None]:
    """Set the given event fields that differ; return the changed names and new partners."""
    changed: list[str] = []
    partners = None
    for name in EVENT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "partners":
            partners = _clean_partners(errors, value, event.organisation)
            changed.append(name)
            continue
        if name == "topics":
            value = _clean_topics(errors, value)
        elif name == "country":
            value = str(value or "").upper()
        elif value is None:
            value = ""
        elif isinstance(value, str):
            value = value.strip()
        if getattr(event, name) != value:
            setattr(event, name, value)
            changed.append(name)
    try:
        event.full_clean(exclude=["organisation", "created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, name, message)
    if len(event.description) > MAX_DESCRIPTION:
        add_error(errors, "description", _("At most %(n)s characters.") % {"n": MAX_DESCRIPTION})
    return changed, partners


@transaction.atomic
def event_create(
    *, actor: Actor, data: Mapping[str, Any], organisation: Organisation | None = None
) -> Event:
    """Record an event organised by the actor's organisation (or, for an operator, by the
    `organisation` given). `data`: title, event_type, country, city, topics (a list or a
    comma-separated text), description, partners (organisation ids), other_partners."""
    require_manager(actor)
    reject_unknown_fields(data, EVENT_FIELDS)
    organiser = organisation_of(actor, organisation)
    event = Event(organisation=organiser, created_by=acting_user(actor))
    errors: dict[str, list[str]] = {}
    _changed, partners = _apply_event(event, data, errors)
    raise_if(errors)
    event.save()
    if partners:
        event.partners.set(partners)
    audit_record(actor=actor, action="training.event.create", obj=event, fields=list(data))
    return event


@transaction.atomic
def event_update(*, actor: Actor, event_id: int, data: Mapping[str, Any]) -> Event:
    found = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    reject_unknown_fields(data, EVENT_FIELDS)
    event = Event.objects.select_for_update().select_related("organisation").get(pk=found.pk)
    errors: dict[str, list[str]] = {}
    changed, partners = _apply_event(event, data, errors)
    raise_if(errors)
    event.save()
    if partners is not None:
        event.partners.set(partners)
    if changed:
        audit_record(actor=actor, action="training.event.update", obj=event, fields=changed)
    return event


@transaction.atomic
def session_add(
    *,
    actor: Actor,
    event_id: int,
    date: datetime.date,
    end_date: datetime.date | None = None,
    title: str = "",
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    venue: str = "",
) -> Session:
    """Add a sitting of the event: one day, or consecutive days up to `end_date`."""
    event = event_for_actor(actor=actor, event_id=event_id)
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    if end_date is not None and date is not None and end_date < date:
        add_error(errors, "end_date", _("The last day cannot be before the first."))
    if end_date == date:
        end_date = None
    if starts_at and ends_at and end_date is None and ends_at <= starts_at:
        add_error(errors, "ends_at", _("A session ends after it starts."))
    session = Session(
        event=event,
        date=date,
        end_date=end_date,
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=(venue or "").strip(),
    )
    try:
        session.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                add_error(errors, name, message)
    raise_if(errors)
    session.save()
    audit_record(
        actor=actor,
        action="training.session.create",
        obj=event,
        fields=["session.date", "session.end_date", "session.venue"],
        detail={"session": session.pk},
    )
    return session
