"""Training pages: thin views over the services and selectors, by concern.

Training managers (administrators, project managers, trainers, M&E officers) see their
organisation's events and participants; donor viewers see the aggregates only; the public
verification page needs no login and shows initials, event and dates.
"""

from pave.training.views.aggregates import (
    aggregates_view,
)
from pave.training.views.certificates import (
    certificate_pdf_view,
    certificate_revoke_view,
    certificates_issue_view,
    verify_view,
)
from pave.training.views.events import (
    attendance_view,
    event_create_view,
    event_detail_view,
    event_edit_view,
    event_list_view,
    home,
    participant_add_view,
    session_add_view,
)
from pave.training.views.participants import (
    participant_detail_view,
    participant_list_view,
    participant_merge_view,
)
from pave.training.views.sheets import (
    export_view,
    import_view,
)

__all__ = [
    "aggregates_view",
    "attendance_view",
    "certificate_pdf_view",
    "certificate_revoke_view",
    "certificates_issue_view",
    "event_create_view",
    "event_detail_view",
    "event_edit_view",
    "event_list_view",
    "export_view",
    "home",
    "import_view",
    "participant_add_view",
    "participant_detail_view",
    "participant_list_view",
    "participant_merge_view",
    "session_add_view",
    "verify_view",
]
