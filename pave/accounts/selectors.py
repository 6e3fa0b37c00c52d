from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from pave.accounts.models import ApiToken, Organisation, User


def user_for_token(*, token: str) -> User | None:
    """The active user a bearer token belongs to, or None. Touches last-use at most hourly."""
    row = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def organisation_get_by_code(*, code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def organisation_users(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation, is_active=True).order_by("username")
