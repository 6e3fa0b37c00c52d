"""Writes for organisations, users and API tokens. Every write is audited."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pave.accounts.models import ApiToken, Office, Organisation, User
from pave.accounts.roles import Role
from pave.core.audit import Actor, audit_record


@transaction.atomic
def organisation_create(
    *, actor: Actor, code: str, name: str, type: str, country: str
) -> Organisation:
    organisation = Organisation(code=code, name=name, type=type, country=country.upper())
    organisation.full_clean()
    organisation.save()
    audit_record(
        actor=actor,
        action="organisation.create",
        obj=organisation,
        fields=["code", "name", "type", "country"],
    )
    return organisation


@transaction.atomic
def office_create(
    *, actor: Actor, organisation: Organisation, name: str, country: str, city: str = ""
) -> Office:
    office = Office(organisation=organisation, name=name, country=country.upper(), city=city)
    office.full_clean()
    office.save()
    audit_record(
        actor=actor,
        action="office.create",
        obj=office,
        fields=["organisation", "name", "country", "city"],
    )
    return office


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    organisation: Organisation,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    validate: bool = True,
) -> User:
    """Create a user with an Argon2-hashed password (validated unless `validate` is False)."""
    if role not in Role.values:
        raise ValidationError(
            {"role": [f"Unknown role {role!r}; one of: {', '.join(Role.values)}"]}
        )
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.ADMINISTRATOR,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor, action="user.create", obj=user, fields=["username", "organisation", "role"]
    )
    return user


@transaction.atomic
def token_create(
    *, actor: Actor, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Return the stored token row and the clear token, which is shown once and never stored.
    The token expires after `days` (default PAVE_TOKEN_DAYS)."""
    days = settings.PAVE_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 3660:
        raise ValidationError({"days": ["A token lives from 1 to 3660 days."]})
    clear = "pave_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=clear[:12],
        digest=ApiToken.digest_of(clear),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    audit_record(
        actor=actor, action="token.create", obj=token, detail={"user": user.pk, "days": days}
    )
    return token, clear


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke the token (from now on it answers 401). Revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoke", obj=token, detail={"user": token.user_id})
    return token


@transaction.atomic
def user_language_set(*, actor: User, language: str) -> User:
    """Remember the interface language a user chose: it follows them to any computer they
    log in on, and notifications and e-mails are written in it."""
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        raise ValidationError(
            {"language": [f"Unknown language {language!r}; one of: {', '.join(codes)}"]}
        )
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
        audit_record(
            actor=actor, action="user.language.set", obj=actor, fields=["preferred_language"]
        )
    return actor


def token_authenticate(*, token: str) -> User | None:
    """The active user a bearer token belongs to, or None (also when the token has expired
    or was revoked). A write: it records the token's
    last use (at most hourly, so a busy client does not write on every request)."""
    row = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(
            digest=ApiToken.digest_of(token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
