from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from pave.accounts.http import AuthedHttpRequest
from pave.accounts.roles import AUDIT_READERS
from pave.audit.selectors import audit_events_for_admin


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.role not in AUDIT_READERS:
        raise PermissionDenied
    case_ref = request.GET.get("case", "").strip()
    username = request.GET.get("user", "").strip()
    events = audit_events_for_admin(user=request.user, case_reference=case_ref, username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {"page": page, "case_ref": case_ref, "username": username},
    )
