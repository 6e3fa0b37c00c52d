"""What the referral services share: text limits, notices in each reader's language, and
the one way a referral moves between statuses and is revoked (by the sender, or because
the consent it relied on was withdrawn)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pave.accounts.models import User
from pave.core.audit import audit_record
from pave.core.toolkit import Errors, add_error
from pave.notifications.models import NotificationKind
from pave.notifications.services import notify
from pave.referrals import selectors
from pave.referrals.models import TRANSITIONS, Referral, ReferralStatus

MAX_TEXT = 20000


def clean_text(errors: Errors, name: str, value: str, required: bool = False) -> str:
    """The value stripped; a missing required value or one over MAX_TEXT is an error."""
    value = (value or "").strip()
    if required and not value:
        add_error(errors, name, _("This field is required."))
    if len(value) > MAX_TEXT:
        add_error(errors, name, _("At most %(n)s characters.") % {"n": MAX_TEXT})
    return value


def notify_in_languages(
    recipients: Iterable[User | None], kind: str, message: Callable[[], str], url: str
) -> None:
    """Notify in each recipient's own language: `message` is built once per language."""
    by_language: dict[str, list[User]] = {}
    for user in recipients:
        if user is not None:
            language = user.preferred_language or settings.LANGUAGE_CODE
            by_language.setdefault(language, []).append(user)
    for language, users in by_language.items():
        with translation.override(language):
            notify(recipients=users, kind=kind, message=message(), url=url)


def referral_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


_NOT_ALLOWED: dict[str, Any] = {
    ReferralStatus.ACCEPTED: gettext_lazy(
        "The referral is %(current)s: it can no longer be accepted."
    ),
    ReferralStatus.DECLINED: gettext_lazy(
        "The referral is %(current)s: it can no longer be declined."
    ),
    ReferralStatus.COMPLETED: gettext_lazy(
        "The referral is %(current)s: only an accepted referral can be completed."
    ),
    ReferralStatus.REVOKED: gettext_lazy(
        "The referral is %(current)s: it can no longer be revoked."
    ),
}


def status_move(referral: Referral, target: str) -> None:
    """Set the status to `target`, if the referral's current status allows it."""
    if target not in TRANSITIONS.get(referral.status, frozenset()):
        current = ReferralStatus(referral.status).label.lower()
        raise ValidationError({"status": [str(_NOT_ALLOWED[target]) % {"current": current}]})
    referral.status = target


def revoke(referral: Referral, *, actor: User, reason: str, automatic: bool = False) -> None:
    """Revoke a locked referral, audit it and tell the receiving side to stop."""
    status_move(referral, ReferralStatus.REVOKED)
    referral.revoked_by, referral.revoked_at = actor, timezone.now()
    referral.revoke_reason = reason
    referral.save(
        update_fields=["status", "revoked_by", "revoked_at", "revoke_reason", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="referral.revoke",
        obj=referral,
        fields=["revoke_reason"],
        detail={"case": referral.case_id, "automatic": automatic},
    )
    notify_in_languages(
        selectors.receiving_users(organisation_id=referral.to_org_id),
        NotificationKind.REFERRAL_REVOKED,
        lambda: (
            _("Referral #%(id)s from %(org)s was revoked: please stop working on it.")
            % {"id": referral.pk, "org": referral.from_org.name}
        ),
        referral_url(referral),
    )
