"""Roles and what each may do. One table, read by selectors and services alike."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    CASE_MANAGER = "case_manager", _("Case manager (supervisor)")
    CASE_WORKER = "case_worker", _("Case worker")
    SCREENING_OFFICER = "screening_officer", _("Screening officer")
    TRAINER = "trainer", _("Trainer")
    ME_OFFICER = "me_officer", _("M&E officer")
    PARTNER_FOCAL_POINT = "partner_focal_point", _("Partner focal point")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")
    # Above organisations, for the programme's host: keeps the shared reference data (the
    # service catalogue). It sees no person-level data, not even its own organisation's.
    PLATFORM_ADMINISTRATOR = "platform_administrator", _("Platform administrator")


class CaseScope(models.TextChoices):
    """Which of its organisation's cases a role sees."""

    ORGANISATION = "organisation", _("All of the organisation's cases")
    ASSIGNED = "assigned", _("Cases assigned to the user")
    CREATED_OR_ASSIGNED = "created_or_assigned", _("Cases the user opened or is assigned")
    NONE = "none", _("No person-level data")


CASE_SCOPE: dict[str, CaseScope] = {
    Role.ADMINISTRATOR: CaseScope.ORGANISATION,
    Role.PROJECT_MANAGER: CaseScope.ORGANISATION,
    Role.CASE_MANAGER: CaseScope.ORGANISATION,
    Role.CASE_WORKER: CaseScope.ASSIGNED,
    Role.SCREENING_OFFICER: CaseScope.CREATED_OR_ASSIGNED,
    Role.PARTNER_FOCAL_POINT: CaseScope.ASSIGNED,
    Role.TRAINER: CaseScope.NONE,
    Role.ME_OFFICER: CaseScope.NONE,
    Role.DONOR_VIEWER: CaseScope.NONE,
    Role.PLATFORM_ADMINISTRATOR: CaseScope.NONE,
}

# Roles that may open a new case for their organisation.
CASE_CREATORS = frozenset(
    {Role.ADMINISTRATOR, Role.CASE_MANAGER, Role.CASE_WORKER, Role.SCREENING_OFFICER}
)
# Roles that may edit the cases they can see (project managers read only).
CASE_EDITORS = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.CASE_MANAGER,
        Role.CASE_WORKER,
        Role.SCREENING_OFFICER,
        Role.PARTNER_FOCAL_POINT,
    }
)
# Roles that may (re)assign a case to another case worker of the organisation.
CASE_ASSIGNERS = frozenset({Role.ADMINISTRATOR, Role.CASE_MANAGER})
AUDIT_READERS = frozenset({Role.ADMINISTRATOR})
# Roles that change the reference data every organisation shares (the service catalogue).
# An organisation's administrator keeps only their own organisation's records.
REFERENCE_DATA_EDITORS = frozenset({Role.PLATFORM_ADMINISTRATOR})
