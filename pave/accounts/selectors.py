"""Reads of accounts: a user's API tokens (never the token itself: only its prefix is kept)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pave.accounts.models import ApiToken, User


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def tokens_for_cli(*, username: str = "") -> QuerySet[ApiToken]:
    """Every token (an operator's view), or one user's; with their users."""
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    return tokens.filter(user__username=username) if username else tokens


def token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's (which exist is not revealed)."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token
