"""Staff tooling for organisations, offices, users and API tokens. Organisations and offices
are added through the audited account services; there is no audited service that changes or
deletes them, or users, so those are read-only here (the `pave org`, `pave user` and
`pave token` commands and the application make those changes). Tokens are revoked through
the audited `token_revoke`."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from pave.accounts import services
from pave.accounts.models import ApiToken, Office, Organisation, User
from pave.core.admin import ReadOnlyAdmin


class AddOnlyAdmin(admin.ModelAdmin):
    """Added here through a service; never changed or deleted here."""

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(AddOnlyAdmin):
    list_display = ["code", "name", "type", "country"]
    search_fields = ["code", "name"]
    list_filter = ["type"]
    fields = ["code", "name", "type", "country"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.organisation_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            type=data["type"],
            country=str(data["country"]),
        )
        obj.pk = saved.pk


@admin.register(Office)
class OfficeAdmin(AddOnlyAdmin):
    list_display = ["organisation", "name", "country", "city"]
    fields = ["organisation", "name", "country", "city"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.office_create(
            actor=request.user,
            organisation=data["organisation"],
            name=data["name"],
            country=str(data["country"]),
            city=data.get("city", ""),
        )
        obj.pk = saved.pk


@admin.register(User)
class PaveUserAdmin(ReadOnlyAdmin, UserAdmin):
    list_display = ["username", "organisation", "role", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("PAVE", {"fields": ["organisation", "office", "role", "preferred_language"]}),
    ]


@admin.action(description="Revoke the selected tokens")
def revoke_tokens(modeladmin: Any, request: Any, queryset: Any) -> None:
    count = 0
    for token in queryset.filter(revoked_at__isnull=True):
        services.token_revoke(actor=request.user, token=token)
        count += 1
    modeladmin.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created with `pave token create`; here they are only seen and revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields = (
        "prefix",
        "user",
        "name",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = [revoke_tokens]
