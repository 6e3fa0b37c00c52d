from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pave.notifications"
    label = "notifications"
    verbose_name = "Notifications"
