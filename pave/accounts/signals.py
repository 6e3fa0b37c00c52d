"""Sign-ins, refused sign-ins and sign-outs are audit events (issue 12).

A refused sign-in records the username as typed, as a label only (no link to an account,
which may not exist), with the client address like every audit event; never the password
(Django passes it masked; it is not read here).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from pave.core.audit import audit_record


def _logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", object_type="user", object_id=user.pk)


def _logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", object_type="user", object_id=user.pk)


def _login_failed(sender: Any, credentials: dict | None = None, **kwargs: Any) -> None:
    username = str((credentials or {}).get("username") or "")[:150]
    audit_record(actor=username or "anonymous", action="auth.login_failed", object_type="user")


def signals_connect() -> None:
    uid = "pave.accounts.signals"
    user_logged_in.connect(_logged_in, dispatch_uid=f"{uid}.in")
    user_logged_out.connect(_logged_out, dispatch_uid=f"{uid}.out")
    user_login_failed.connect(_login_failed, dispatch_uid=f"{uid}.failed")
