from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pave import __version__
from pave.accounts.roles import AUDIT_READERS
from pave.core.http import AuthedHttpRequest
from pave.core.selectors import audit_events_for_admin


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "error",
            "database": database,
            "database_vendor": connection.vendor,
            "version": __version__,
        },
        status=status,
    )


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
        "core/audit_log.html",
        {"page": page, "case_ref": case_ref, "username": username},
    )
