import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from pave.accounts.roles import CASE_SCOPE, CaseScope, Role
from pave.core.codelists import OrganisationType
from pave.core.models import TimeStampedModel

# Organisation types that never receive person-level data: no referral, no case transfer, no
# listing in the service directory. A donor funds the programme and reads results; the media
# publish; a business has no protection mandate. The one place this rule is written.
NO_PERSON_DATA_TYPES = frozenset(
    {OrganisationType.DONOR, OrganisationType.MEDIA, OrganisationType.CORPORATE}
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def receiving_person_data(self) -> "OrganisationQuerySet":
        """The organisations whose type may receive person-level data."""
        return self.exclude(type__in=NO_PERSON_DATA_TYPES)


class Organisation(TimeStampedModel):
    code = models.SlugField(max_length=32, unique=True, help_text=_("Short code, e.g. IOM-LB"))
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    country = CountryField(_("country"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def may_receive_person_data(self) -> bool:
        return self.type not in NO_PERSON_DATA_TYPES


class Office(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offices")
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="office_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code} — {self.name}"


class User(AbstractUser):
    """A person who works in PAVE: one organisation, one role."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    office = models.ForeignKey(Office, on_delete=models.SET_NULL, null=True, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    preferred_language = models.CharField(max_length=8, blank=True)

    @property
    def case_scope(self) -> CaseScope:
        return CASE_SCOPE.get(self.role, CaseScope.NONE)


class ApiToken(TimeStampedModel):
    """A bearer token for programs. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def status(self) -> str:
        """ "revoked", "expired" or "active" (now)."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
