"""Navigation flags for the site layout: which sections a signed-in user may open. It sits
above the apps whose permissions it asks (screening), so core knows nothing of them."""

from django.http import HttpRequest

from pave.accounts.roles import AUDIT_READERS, CASE_CREATORS, CaseScope
from pave.assistance.selectors import can_edit_catalogue
from pave.screening.selectors import can_see_screenings


def pave(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_see_cases": user.case_scope != CaseScope.NONE,
        "can_open_cases": user.role in CASE_CREATORS,
        "can_read_audit": user.role in AUDIT_READERS,
        "can_see_screenings": can_see_screenings(user),
        "can_edit_catalogue": can_edit_catalogue(user),
    }
