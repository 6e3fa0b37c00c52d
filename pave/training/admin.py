"""Staff tooling, read-only: events and sessions are created and changed, audited, by their
organisation's training managers in the application (its services act for the actor's
organisation only); participants, attendance, tests and certificates are shown without
personal data (the admin bypasses the audited reads)."""

from django.contrib import admin

from pave.core.admin import ReadOnlyAdmin, ReadOnlyInline
from pave.training.models import Certificate, Event, Participant, Session


class SessionInline(ReadOnlyInline):
    model = Session
    fields = readonly_fields = ("date", "end_date", "title", "starts_at", "ends_at", "venue")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "event_type", "country", "city"]
    list_filter = ["event_type", "country", "organisation"]
    search_fields = ["title"]
    inlines = [SessionInline]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["id", "organisation", "stakeholder_group", "sex", "country", "affiliation"]
    list_filter = ["stakeholder_group", "sex", "country"]
    fields = readonly_fields = (
        "organisation",
        "sex",
        "stakeholder_group",
        "affiliation",
        "country",
        "created_at",
    )


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "participant", "issued_on", "revoked_at"]
    list_filter = ["issued_on"]
    fields = readonly_fields = ("event", "participant", "issued_on", "issued_by", "revoked_at")
