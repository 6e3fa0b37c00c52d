"""Staff tooling. The service directory is edited here for any organisation; consents and
referrals are read-only and without their free text (the admin bypasses the audited reads)."""

from django.contrib import admin

from pave.referrals.models import Consent, Referral, ServiceDirectoryEntry


@admin.register(ServiceDirectoryEntry)
class ServiceDirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["organisation", "service_type", "country", "city", "active"]
    list_filter = ["active", "service_type", "country"]
    search_fields = ["organisation__name", "city"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(_ReadOnly):
    list_display = ["id", "case", "purpose", "organisation", "given_on", "withdrawn_on"]
    list_filter = ["purpose", "how_obtained"]
    fields = readonly_fields = (
        "case",
        "purpose",
        "organisation",
        "any_organisation",
        "given_on",
        "how_obtained",
        "obtained_by",
        "withdrawn_on",
        "withdrawal_recorded_by",
    )


@admin.register(Referral)
class ReferralAdmin(_ReadOnly):
    list_display = ["id", "from_org", "to_org", "status", "sent_at", "due_by"]
    list_filter = ["status", "reason", "transfer_ownership"]
    fields = readonly_fields = (
        "case",
        "from_org",
        "to_org",
        "services",
        "reason",
        "shared_fields",
        "status",
        "transfer_ownership",
        "consent",
        "override_by",
        "sent_by",
        "sent_at",
        "due_by",
        "responded_by",
        "responded_at",
        "completed_at",
        "revoked_by",
        "revoked_at",
    )
