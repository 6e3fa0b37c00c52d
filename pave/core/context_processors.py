from django.http import HttpRequest

from pave.accounts.roles import AUDIT_READERS, CASE_CREATORS, CaseScope


def pave(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_see_cases": user.case_scope != CaseScope.NONE,
        "can_open_cases": user.role in CASE_CREATORS,
        "can_read_audit": user.role in AUDIT_READERS,
    }
