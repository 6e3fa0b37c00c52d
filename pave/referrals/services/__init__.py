"""Writes (and audited reads) of consent, referrals and the service directory.

Every function takes `actor=`, runs in one transaction, validates before writing, and appends
its audit event (field names, never values) in that same transaction. Notifications are
created in the transaction too; their e-mail leaves after the commit.

One module per concern: `consent`, `referrals` (sending, answering, reading), `transfer`
(an accepted transfer moves the case), `directory`; `common` holds what they share.
"""

from pave.referrals.services.common import MAX_TEXT, referral_url
from pave.referrals.services.consent import (
    CONSENT_WITHDRAWN,
    consent_list,
    consent_record,
    consent_withdraw,
)
from pave.referrals.services.directory import (
    directory_entry_create,
    directory_entry_staff_create,
    directory_entry_staff_update,
    directory_entry_update,
)
from pave.referrals.services.referrals import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_read,
    referral_revoke,
    referral_search,
    referral_send,
)

__all__ = [
    "CONSENT_WITHDRAWN",
    "MAX_TEXT",
    "consent_list",
    "consent_record",
    "consent_withdraw",
    "directory_entry_create",
    "directory_entry_staff_create",
    "directory_entry_staff_update",
    "directory_entry_update",
    "referral_accept",
    "referral_complete",
    "referral_decline",
    "referral_read",
    "referral_revoke",
    "referral_search",
    "referral_send",
    "referral_url",
]
