"""Staff tooling: notifications are read-only here (they are written by the application)."""

from django.contrib import admin

from pave.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "read_at"]
    list_filter = ["kind"]
    fields = readonly_fields = ("user", "kind", "message", "url", "key", "created_at", "read_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
