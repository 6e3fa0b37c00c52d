from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pave import __version__
from pave.core.keycheck import canary_status


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, database reachability and the data keys (the current key decrypts its stored
    canary; every key the data needs is configured), for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "unavailable"
    keys = canary_status() if database == "ok" else "unknown"
    status = 200 if database == "ok" and keys == "ok" else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "error",
            "database": database,
            "keys": keys,
            "database_vendor": connection.vendor,
            "version": __version__,
        },
        status=status,
    )
