"""Extension points: how a higher app plugs into a lower one without the lower importing it.

An app names the objects it contributes as dotted paths in attributes of its AppConfig (for
example ``reindexer = "pave.cases.services.person_reindex_all"``); the lower app asks for them
by attribute name. Nothing is imported until it is asked for, so no app needs a function-level
import to dodge a cycle, and the layers stay one-way.

Attributes in use: ``reindexer`` (rebuild blind indexes under the current key, see
`pave keys rotate`), ``timeline_source`` and ``timeline_fields`` (records an app adds to case
timelines), ``system_checks`` (Django system checks run at start-up), ``signal_receivers``
(a function that connects an app's signal receivers, called once at start-up),
``counting_sources`` (``{source: Adapter}`` tables of the records the counting engine counts,
pave.core.counting); and ``periodic_tasks`` (a dict of task path → seconds, read by
`pave.core.scheduling`).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string


def contributions(attribute: str) -> list[Any]:
    """The objects installed apps contribute under `attribute`, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        paths = getattr(config, attribute, None)
        if paths is None:
            continue
        for path in [paths] if isinstance(paths, str) else paths:
            found.append(import_string(path))
    return found
