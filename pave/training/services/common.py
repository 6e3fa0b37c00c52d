"""What the training services share: who acts for which organisation, field lists and
error helpers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from pave.accounts.models import Organisation, User
from pave.core.audit import Actor
from pave.core.toolkit import add_error, raise_if
from pave.training import selectors
from pave.training.models import (
    Event,
    Participant,
)
from pave.training.roles import TRAINING_MANAGERS

NAME_PURPOSE, PHONE_PURPOSE, EMAIL_PURPOSE = "training.name", "training.phone", "training.email"
PERSONAL_FIELDS = ("full_name", "title", "phone", "email")
PARTICIPANT_FIELDS = (
    "full_name",
    "sex",
    "stakeholder_group",
    "affiliation",
    "country",
    "title",
    "phone",
    "email",
)
EVENT_FIELDS = (
    "title",
    "event_type",
    "country",
    "city",
    "topics",
    "description",
    "partners",
    "other_partners",
)
# The toolkit's error helpers, for the training services that import them from here.
__all__ = ["add_error", "raise_if"]

MAX_TEXT = 200
MAX_DESCRIPTION = 20000
PUBLIC_ACTOR = "public:verify"


# --- who acts for which organisation ---------------------------------------------------------


def require_manager(actor: Actor) -> None:
    if isinstance(actor, User) and actor.role not in TRAINING_MANAGERS:
        raise PermissionDenied(_("Your role cannot manage training records."))


def organisation_of(actor: Actor, organisation: Organisation | None) -> Organisation:
    """A user acts for their own organisation; an operator names one."""
    if isinstance(actor, User):
        if organisation is not None and organisation.pk != actor.organisation_id:
            raise PermissionDenied(_("You act for your own organisation only."))
        return actor.organisation
    if organisation is None:
        raise ValidationError({"organisation": [_("Name the organisation.")]})
    return organisation


def acting_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def event_for_actor(*, actor: Actor, event_id: int) -> Event:
    """404 for an event the user may not see, then 403 for a role that may not manage it."""
    if isinstance(actor, User):
        return selectors.event_get_for_user(user=actor, event_id=event_id)
    event = Event.objects.select_related("organisation").filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event.")
    return event


def participant_for_actor(*, actor: Actor, participant_id: int) -> Participant:
    if isinstance(actor, User):
        return selectors.participant_get_for_user(user=actor, participant_id=participant_id)
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        raise Http404("No such participant.")
    return participant
