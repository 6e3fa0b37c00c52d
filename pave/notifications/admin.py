"""Staff tooling: notifications are read-only here (they are written by the application)."""

from django.contrib import admin

from pave.core.admin import ReadOnlyAdmin
from pave.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "read_at"]
    list_filter = ["kind"]
    fields = readonly_fields = ("user", "kind", "message", "url", "key", "created_at", "read_at")
