"""Certificates: issue for an event, the PDF, revoke."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Router

from pave.accounts.http import AuthedHttpRequest
from pave.core.api import ERRORS, ErrorOut, PathId
from pave.training import certificates, services
from pave.training.api.schemas import (
    CertificateOut,
    IssueIn,
)

router = Router()


@router.post("/events/{int:event_id}/certificates", response={200: list[CertificateOut], **ERRORS})
def issue_certificates(request: AuthedHttpRequest, event_id: PathId, payload: IssueIn) -> Any:
    """A certificate for each participant present at a session (or those listed); those who
    hold one keep it."""
    return services.certificates_issue(
        actor=request.user, event_id=event_id, participant_ids=payload.participants
    )


@router.get(
    "/certificates/{int:certificate_id}/pdf",
    response={200: None, 503: ErrorOut, **ERRORS},
    url_name="training_certificate_pdf",
)
def certificate_pdf(request: AuthedHttpRequest, certificate_id: PathId) -> Any:
    try:
        certificate, pdf = services.certificate_pdf(
            actor=request.user,
            certificate_id=certificate_id,
            verify_url=lambda code: request.build_absolute_uri(
                reverse("training_public:verify", args=[code])
            ),
        )
    except certificates.PdfUnavailable as exc:
        return 503, {"detail": str(exc), "errors": {}}
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@router.post("/certificates/{int:certificate_id}/revoke", response={200: CertificateOut, **ERRORS})
def revoke_certificate(request: AuthedHttpRequest, certificate_id: PathId) -> Any:
    return services.certificate_revoke(actor=request.user, certificate_id=certificate_id)
