"""In-app notifications, one row per recipient. Messages carry references, never personal data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("Referral received")
    REFERRAL_ANSWERED = "referral_answered", _("Referral answered")
    REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
    APPROVAL_WAITING = "approval_waiting", _("Approval waiting")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    CONSENT_OVERRIDE = "consent_override", _("Referral without consent")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    # References only (a referral number, a case reference, an organisation's name): the text
    # is also e-mailed, and e-mail is not a place for a survivor's personal data.
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Set by callers that must notify only once about one thing (e.g. "follow-up:42").
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
