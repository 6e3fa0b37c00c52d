from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pave.accounts.models import ApiToken, Office, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "country"]
    search_fields = ["code", "name"]
    list_filter = ["type"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "name", "country", "city"]


@admin.register(User)
class PaveUserAdmin(UserAdmin):
    list_display = ["username", "organisation", "role", "is_active", "last_login"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("PAVE", {"fields": ["organisation", "office", "role", "preferred_language"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "user", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # tokens are created with `pave token create`
        return False
