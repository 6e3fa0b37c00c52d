"""Staff tooling: the service catalogue, edited through the audited catalogue services.
Assistance records are not shown here: they hold personal data and the admin bypasses the
audited, scoped reads of the application."""

from typing import Any

from django.contrib import admin

from pave.assistance import selectors, services
from pave.assistance.models import ServiceType
from pave.core.admin import submitted


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "family", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    list_filter = ["family", "active"]
    search_fields = ["name", "code"]
    ordering = ["family", "sort_order", "name"]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        # Records and exports refer to the code: it is set once.
        return ["code"] if obj is not None else []

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        data = submitted(form, change=change)
        if change:
            saved = services.service_type_update(
                actor=request.user, service_type_id=obj.pk, data=data
            )
        else:
            saved = services.service_type_create(actor=request.user, data=data)
        obj.pk = saved.pk

    # Shared reference data: staff see it, only a platform administrator changes it.
    def has_add_permission(self, request: Any) -> bool:
        return selectors.can_edit_catalogue(request.user)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return selectors.can_edit_catalogue(request.user)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # Delivered services keep their type: deactivate instead of deleting.
        return False
