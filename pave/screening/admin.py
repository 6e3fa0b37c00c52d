"""Staff tooling for screening data. Personal data is not shown here: the admin bypasses the
audited reads, so names, detainee numbers, answers and visit notes stay in the application.
Everything is read-only: places and visits are recorded, audited, by their organisation's
screening officers in the application (its services act for the actor's organisation only)."""

from django.contrib import admin

from pave.core.admin import ReadOnlyAdmin
from pave.screening.models import Place, Screening, Visit


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organisation", "country", "city"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "city"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "place", "organisation", "team"]
    list_filter = ["organisation"]
    fields = readonly_fields = ("organisation", "place", "visited_on", "team", "created_by")


SHOWN = (
    "organisation",
    "interviewer",
    "visit",
    "place",
    "interviewed_on",
    "language",
    "interpreter_used",
    "instrument_code",
    "instrument_version",
    "outcome",
    "consent_given",
    "consent_method",
    "flagged_for_follow_up",
    "case",
)


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    """Read-only, without personal data: for checking what was recorded, not for editing it."""

    list_display = [
        "id",
        "interviewed_on",
        "organisation",
        "interviewer",
        "instrument_code",
        "instrument_version",
        "outcome",
        "consent_given",
        "flagged_for_follow_up",
        "case",
    ]
    list_filter = [
        "organisation",
        "instrument_code",
        "outcome",
        "consent_given",
        "flagged_for_follow_up",
    ]
    fields = readonly_fields = SHOWN
