"""Capacity building and outreach: /api/v1/training.

Events, sessions, participants, attendance, scores, sign-in sheets, certificates and the
aggregates, one router per concern (schemas in `schemas`). Partner organisations are named
by their codes. Everything but the aggregates is for the organiser's training managers;
donor viewers read the aggregates, suppressed.
"""

from __future__ import annotations

from ninja import Router

from pave.training.api import aggregates, certificates, events, participants, roster, sheets

router = Router(tags=["training"])

for _concern in (events, participants, roster, sheets, certificates, aggregates):
    # The operation ids the API had as one module (pave_training_api_<function>), so that
    # clients generated from the OpenAPI keep working after the split.
    for _path in _concern.router.path_operations.values():
        for _operation in _path.operations:
            _operation.operation_id = (
                _operation.operation_id or f"pave_training_api_{_operation.view_func.__name__}"
            )
    router.add_router("", _concern.router)
