"""Training pages: certificates issued, downloaded, revoked, and their public check."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.core.middleware import request_client_address
from pave.core.ratelimit import rate_limit_hit
from pave.training import selectors, services
from pave.training.certificates import PdfUnavailable
from pave.training.forms import (
    VerifyForm,
)
from pave.training.views.common import _verify_url

# --- certificates ----------------------------------------------------------------------------


@login_required
@require_POST
def certificates_issue_view(request: AuthedHttpRequest, event_id: int) -> HttpResponse:
    issued = services.certificates_issue(actor=request.user, event_id=event_id)
    messages.success(
        request,
        ngettext(
            "%(n)s participant now holds a certificate.",
            "%(n)s participants now hold a certificate.",
            len(issued),
        )
        % {"n": len(issued)},
    )
    return redirect("training:event", event_id=event_id)


@login_required
def certificate_pdf_view(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    try:
        certificate, pdf = services.certificate_pdf(
            actor=request.user, certificate_id=certificate_id, verify_url=_verify_url(request)
        )
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
@require_POST
def certificate_revoke_view(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    try:
        certificate = services.certificate_revoke(actor=request.user, certificate_id=certificate_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        certificate = selectors.certificate_get_for_user(
            user=request.user, certificate_id=certificate_id
        )
    else:
        messages.success(request, _("Certificate revoked: its code now verifies as revoked."))
    return redirect("training:event", event_id=certificate.event_id)


def verify_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: anyone holding a certificate's code sees initials, event and dates. Checks are
    limited per client address (PAVE_VERIFY_RATE_LIMIT per PAVE_VERIFY_RATE_WINDOW_SECONDS),
    counted in the database so that every worker shares the count: no guessing of codes."""
    if not code:
        form = VerifyForm(request.GET or None)
        if form.is_valid():
            return redirect("training_public:verify", code=form.cleaned_data["code"].strip())
        return render(request, "training/verify.html", {"form": form})
    if not rate_limit_hit(
        scope="verify",
        client=request_client_address(request),
        limit=settings.PAVE_VERIFY_RATE_LIMIT,
        window_seconds=settings.PAVE_VERIFY_RATE_WINDOW_SECONDS,
    ):
        response = render(
            request, "training/verify.html", {"form": VerifyForm(), "throttled": True}, status=429
        )
        response["Retry-After"] = str(settings.PAVE_VERIFY_RATE_WINDOW_SECONDS)
        return response
    verification = services.certificate_verify(code=code)
    return render(request, "training/verify.html", {"verification": verification})
