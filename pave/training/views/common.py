"""What the training pages share: who may manage, where certificates are verified."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from pave.accounts.http import AuthedHttpRequest
from pave.training import selectors

PAGE_SIZE = 50


def _require_manager(request: AuthedHttpRequest) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied(_("Your role gives no access to training records."))


def _verify_url(request: HttpRequest) -> Any:
    return lambda code: request.build_absolute_uri(reverse("training_public:verify", args=[code]))
