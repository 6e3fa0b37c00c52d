from __future__ import annotations

from django.db.models import QuerySet

from pave.accounts.models import Organisation, User


def organisation_get_by_code(*, code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def organisation_users(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(organisation=organisation, is_active=True).order_by("username")
