"""Who may do what with consent, referrals and the directory (read by services and views)."""

from pave.accounts.roles import CASE_EDITORS, Role

# Record and withdraw consent on the cases they can see (project managers read only).
CONSENT_RECORDERS = CASE_EDITORS
# Send (and revoke) referrals of the cases they can see.
SENDERS = frozenset({Role.ADMINISTRATOR, Role.CASE_MANAGER, Role.CASE_WORKER})
# Send without valid consent, with a written reason.
OVERRIDERS = frozenset({Role.ADMINISTRATOR, Role.CASE_MANAGER})
# Read, accept, decline and complete the referrals their organisation receives.
RECEIVERS = frozenset({Role.ADMINISTRATOR, Role.CASE_MANAGER, Role.PARTNER_FOCAL_POINT})
# Keep their organisation's entries in the service directory.
DIRECTORY_EDITORS = frozenset({Role.ADMINISTRATOR})
