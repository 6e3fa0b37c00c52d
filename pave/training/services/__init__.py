"""Writes (and audited reads) of events, participants, attendance, scores and certificates.

Every function takes `actor=` — a user, or a label such as "cli:root" for an operator at the
command line, who then names the organisation acted for — runs in one transaction, validates
before writing anything, and appends its audit event (field names, never values) in that
same transaction. The modules: events (and sessions), participants (matching, merging),
attendance (and scores, and the audited reads), sheets (import and export), certification.
"""

from pave.training.services.attendance import (
    ParticipantPage,
    attendance_record,
    attendance_set,
    event_roster_read,
    participant_add_to_event,
    participant_read,
    participant_search,
    test_record,
)
from pave.training.services.certification import (
    Verification,
    certificate_pdf,
    certificate_revoke,
    certificate_verify,
    certificates_issue,
)
from pave.training.services.common import (
    PARTICIPANT_FIELDS,
    PERSONAL_FIELDS,
    event_for_actor,
    participant_for_actor,
)
from pave.training.services.events import event_create, event_update, session_add
from pave.training.services.participants import (
    MergeResult,
    clean_participant,
    index_participant,
    match_scope,
    participant_create,
    participant_find,
    participant_merge,
    participant_register,
    participant_reindex_all,
    participant_update,
    participants_match,
)
from pave.training.services.sheets import (
    ImportRejected,
    ImportReport,
    import_token_open,
    import_token_seal,
    participants_export,
    participants_import,
)

__all__ = [
    "PARTICIPANT_FIELDS",
    "PERSONAL_FIELDS",
    "ImportRejected",
    "ImportReport",
    "MergeResult",
    "ParticipantPage",
    "Verification",
    "attendance_record",
    "attendance_set",
    "certificate_pdf",
    "certificate_revoke",
    "certificate_verify",
    "certificates_issue",
    "clean_participant",
    "event_create",
    "event_for_actor",
    "event_roster_read",
    "event_update",
    "import_token_open",
    "import_token_seal",
    "index_participant",
    "match_scope",
    "participant_add_to_event",
    "participant_create",
    "participant_find",
    "participant_for_actor",
    "participant_merge",
    "participant_read",
    "participant_register",
    "participant_reindex_all",
    "participant_search",
    "participant_update",
    "participants_export",
    "participants_match",
    "participants_import",
    "session_add",
    "test_record",
]
