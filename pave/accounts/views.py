"""Login, the language switcher (which also remembers a signed-in user's choice), and a
user's own API tokens."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from pave.accounts import selectors, services
from pave.accounts.http import AuthedHttpRequest


class LoginView(auth_views.LoginView):
    """On a shared computer the previous user's language stays in the browser: a user who
    chose a language before gets theirs back as they log in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), and for a signed-in user the choice is
    saved to their account."""
    response = set_language(request)
    if request.user.is_authenticated:
        # An unknown language: set_language ignored it too, nothing to remember.
        with contextlib.suppress(ValidationError):
            services.user_language_set(
                actor=request.user,  # type: ignore[arg-type]
                language=request.POST.get("language", ""),
            )
    return response


@login_required
def token_list_view(request: AuthedHttpRequest) -> HttpResponse:
    tokens = list(selectors.tokens_of(user=request.user))
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def token_revoke_view(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_get_for_user(user=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    messages.success(
        request, _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token.prefix}
    )
    return redirect("accounts:tokens")
