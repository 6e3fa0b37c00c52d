"""Who may do what with events, participants and their results (read by services and views)."""

from pave.accounts.roles import Role

# Manage their organisation's events, participants, attendance, scores and certificates.
TRAINING_MANAGERS = frozenset(
    {Role.ADMINISTRATOR, Role.PROJECT_MANAGER, Role.TRAINER, Role.ME_OFFICER}
)
# Read the counts (unique participants by group, sex, country, type, period); donor viewers
# read them with small cells suppressed, never a participant.
AGGREGATE_READERS = TRAINING_MANAGERS | {Role.DONOR_VIEWER}
