"""Who sees which reports: one table, read by selectors, views and the API."""

from pave.accounts.roles import Role

# Full reports with drill-down to pseudonymous references, over their organisation's projects.
REPORT_READERS = frozenset({Role.ADMINISTRATOR, Role.PROJECT_MANAGER, Role.ME_OFFICER})
# Suppressed aggregates only, over projects their organisation funds (or runs).
DONOR_READERS = frozenset({Role.DONOR_VIEWER})
# May edit the logframe, indicator definitions, targets, manual values and the budget.
INDICATOR_EDITORS = frozenset({Role.ADMINISTRATOR, Role.ME_OFFICER})
