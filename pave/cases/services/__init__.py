"""Writes (and audited reads) of persons and cases: `persons` opens, edits, reads and searches
them; `stages` moves a case through its workflow. Import from here."""

from pave.cases.services.persons import (
    COUNT_CAP,
    CasePage,
    case_note_add,
    case_open,
    case_read,
    case_search,
    case_update,
    index_person,
    person_name_digests,
    person_reindex_all,
)
from pave.cases.services.stages import (
    REASON_MAX_LENGTH,
    case_closure_approve,
    case_closure_request,
    case_closure_send_back,
    case_reopen,
    case_timeline_read,
    case_transition,
    stage_label,
)

__all__ = [
    "COUNT_CAP",
    "REASON_MAX_LENGTH",
    "CasePage",
    "case_closure_approve",
    "case_closure_request",
    "case_closure_send_back",
    "case_note_add",
    "case_open",
    "case_read",
    "case_reopen",
    "case_search",
    "case_timeline_read",
    "case_transition",
    "case_update",
    "index_person",
    "person_name_digests",
    "person_reindex_all",
    "stage_label",
]
