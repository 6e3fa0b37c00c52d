"""Direct assistance: the catalogue of services a programme delivers to victims."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pave.core.models import TimeStampedModel


class ServiceFamily(models.TextChoices):
    RETURN = "return", _("Return")
    RECOVERY = "recovery", _("Recovery")
    REINTEGRATION = "reintegration", _("Reintegration")


class ServiceType(TimeStampedModel):
    """One entry of the service catalogue (editable by administrators)."""

    code = models.SlugField(max_length=40, unique=True)
    family = models.CharField(_("family"), max_length=16, choices=ServiceFamily.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("offered"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["family", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name
