"""Staff tooling. The service directory is edited here for any organisation, through the
audited directory services; consents and referrals are read-only and without their free
text (the admin bypasses the audited reads)."""

from typing import Any

from django.contrib import admin

from pave.core.admin import ReadOnlyAdmin, submitted
from pave.referrals import services
from pave.referrals.models import Consent, Referral, ServiceDirectoryEntry
from pave.referrals.services.directory import STAFF_FIELDS


@admin.register(ServiceDirectoryEntry)
class ServiceDirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ["organisation", "service_type", "country", "city", "active"]
    list_filter = ["active", "service_type", "country"]
    search_fields = ["organisation__name", "city"]
    fields = list(STAFF_FIELDS)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        data = submitted(form, change=change)
        if change:
            saved = services.directory_entry_staff_update(
                actor=request.user, entry_id=obj.pk, data=data
            )
        else:
            saved = services.directory_entry_staff_create(actor=request.user, data=data)
        obj.pk = saved.pk

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # No audited deletion: an entry no longer offered is switched off (active).
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
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
class ReferralAdmin(ReadOnlyAdmin):
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
