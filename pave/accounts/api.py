"""Tokens API: /api/v1/tokens — the caller's own API tokens (never the token itself: only
its prefix is kept), and revoking one. Anyone else's token is 404."""

from __future__ import annotations

import datetime

from ninja import Path, Router, Schema

from pave.accounts import selectors, services
from pave.accounts.http import AuthedHttpRequest
from pave.accounts.models import ApiToken
from pave.core.api import ERRORS

router = Router(tags=["accounts"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    status: str


class TokenListOut(Schema):
    count: int
    items: list[TokenOut]


def _out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        status=token.status,
    )


@router.get("", response={200: TokenListOut, **ERRORS})
def token_list(request: AuthedHttpRequest) -> TokenListOut:
    """Your API tokens, newest first, with when each was created, last used and expires."""
    items = [_out(token) for token in selectors.tokens_of(user=request.user)]
    return TokenListOut(count=len(items), items=items)


@router.delete("/{token_id}", response={200: TokenOut, **ERRORS})
def token_revoke(
    request: AuthedHttpRequest, token_id: int = Path(..., ge=1, le=2**63 - 1)
) -> TokenOut:
    """Revoke one of your tokens: it answers 401 from then on (revoking it again is a no-op).
    Another user's token is 404."""
    token = selectors.token_get_for_user(user=request.user, token_id=token_id)
    return _out(services.token_revoke(actor=request.user, token=token))
