"""Staff tooling: events and sessions are editable; participants, attendance, tests and
certificates are read-only and without personal data (the admin bypasses the audited reads)."""

from django.contrib import admin

from pave.training.models import Certificate, Event, Participant, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["date", "end_date", "title", "starts_at", "ends_at", "venue"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "event_type", "country", "city"]
    list_filter = ["event_type", "country", "organisation"]
    search_fields = ["title"]
    filter_horizontal = ["partners"]
    inlines = [SessionInline]
    readonly_fields = ["created_by"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(_ReadOnly):
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
class CertificateAdmin(_ReadOnly):
    list_display = ["id", "event", "participant", "issued_on", "revoked_at"]
    list_filter = ["issued_on"]
    fields = readonly_fields = ("event", "participant", "issued_on", "issued_by", "revoked_at")
