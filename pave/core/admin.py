"""Staff tooling (/staff/) and the rule every app's admin follows: a change staff make here
goes through the app's service functions, which validate and audit it; a model without such
a service is read-only here (`ReadOnlyAdmin`)."""

from typing import Any

from django.contrib import admin

from pave.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted in the admin: there is no audited service for
    it, or the application is the only place it may change."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline with the same rule as ReadOnlyAdmin."""

    extra = 0

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


def submitted(form: Any, *, change: bool) -> dict[str, Any]:
    """What the admin form asks to save: the changed fields of an edit, every field of a new
    object, as cleaned values (for a service function's `data`)."""
    names = form.changed_data if change else list(form.cleaned_data)
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only and its rows are hash-chained."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id"]
