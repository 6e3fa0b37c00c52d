"""The demo's organisations and users (one per role, every name fictional), and the logins
file that `pave demo logins` prints again."""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from pave.accounts.models import Office, Organisation
from pave.accounts.roles import Role
from pave.accounts.services import office_create, organisation_create, user_create
from pave.demo.common import DEMO_ACTOR

LOGINS_FILE = "demo-logins.txt"


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    type: str
    office: str
    city: str = "Beirut"
    country: str = "LB"


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    organisation: str
    first_name: str
    last_name: str


ORGANISATIONS = [
    OrganisationSpec("IOM-LB", "IOM Lebanon", "InternationalOrganisation", "Beirut (Jnah)"),
    OrganisationSpec(
        "GSD-LB",
        "General Directorate of General Security",
        "ImmigrationService",
        "Detention centre screening unit",
    ),
    OrganisationSpec("BMS", "Beirut Migrant Support", "NGO", "Bourj Hammoud drop-in centre"),
    OrganisationSpec("CLA", "Cedar Legal Aid", "NGO", "Legal clinic"),
    OrganisationSpec(
        "PH-EMB-LB", "Embassy of the Philippines in Lebanon", "Embassy", "Consular section"
    ),
    # The donor (the EU funds 80 % of the project) sees results, never person-level data:
    # its type says so, and no referral can go to it.
    OrganisationSpec("EU-LB", "Delegation of the European Union to Lebanon", "Donor", "Beirut"),
]
# One user per role; every name is fictional.
USERS = [
    UserSpec("admin", Role.ADMINISTRATOR, "IOM-LB", "Karim", "Haddad"),
    UserSpec("farah", Role.PROJECT_MANAGER, "IOM-LB", "Farah", "Mansour"),
    UserSpec("bilal", Role.CASE_MANAGER, "IOM-LB", "Bilal", "Khoury"),
    UserSpec("amal", Role.CASE_WORKER, "IOM-LB", "Amal", "Nasser"),
    UserSpec("dina", Role.SCREENING_OFFICER, "GSD-LB", "Dina", "Saab"),
    UserSpec("tarek", Role.TRAINER, "IOM-LB", "Tarek", "Aoun"),
    UserSpec("maya", Role.ME_OFFICER, "IOM-LB", "Maya", "Rizk"),
    UserSpec("rana", Role.PARTNER_FOCAL_POINT, "BMS", "Rana", "Chidiac"),
    UserSpec("eva", Role.DONOR_VIEWER, "EU-LB", "Eva", "Lindqvist"),
    # The programme's host keeps the shared service catalogue; it sees no person-level data.
    UserSpec("host", Role.PLATFORM_ADMINISTRATOR, "IOM-LB", "Hala", "Sfeir"),
]
# The partners that provide services have their own staff: a focal point answers the
# referrals they receive, an administrator keeps their entries in the service directory.
PARTNER_USERS = [
    UserSpec("georges", Role.ADMINISTRATOR, "BMS", "Georges", "Tannous"),
    UserSpec("nadim", Role.PARTNER_FOCAL_POINT, "CLA", "Nadim", "Azar"),
    UserSpec("joelle", Role.ADMINISTRATOR, "CLA", "Joelle", "Abi Khalil"),
    UserSpec("liza", Role.PARTNER_FOCAL_POINT, "PH-EMB-LB", "Liza", "Manalo"),
    UserSpec("ramon", Role.ADMINISTRATOR, "PH-EMB-LB", "Ramon", "Dizon"),
]


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organisation: str
    password: str


def demo_password() -> str:
    """A random 20-character password (about 100 bits), grouped for reading aloud."""
    alphabet = "".join(c for c in string.ascii_lowercase + string.digits if c not in "l1o0")
    groups = ["".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)


def demo_organisations_create() -> dict[str, tuple[Organisation, Office]]:
    created = {}
    for spec in ORGANISATIONS:
        org = organisation_create(
            actor=DEMO_ACTOR, code=spec.code, name=spec.name, type=spec.type, country=spec.country
        )
        office = office_create(
            actor=DEMO_ACTOR,
            organisation=org,
            name=spec.office,
            country=spec.country,
            city=spec.city,
        )
        created[spec.code] = (org, office)
    return created


def demo_users_create(orgs: dict[str, tuple[Organisation, Office]]) -> list[Login]:
    logins = []
    for spec in USERS + PARTNER_USERS:
        password = demo_password()
        user_create(
            actor=DEMO_ACTOR,
            username=spec.username,
            organisation=orgs[spec.organisation][0],
            role=spec.role,
            password=password,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
        logins.append(Login(spec.username, spec.role, spec.organisation, password))
    return logins


def logins_path() -> Path:
    return Path(settings.DATA_DIR) / LOGINS_FILE


def logins_table(logins: Sequence[Login]) -> str:
    header = ("username", "role", "organisation", "password")
    rows = [header] + [(x.username, x.role, x.organisation, x.password) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def logins_write(logins: Sequence[Login], *, base_url: str = "") -> Path:
    """Write the demo logins with mode 0600 (they are real passwords to this installation)."""
    path = logins_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    when = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"PAVE demo logins (demo loaded {when}). Every person in the demo is synthetic.\n"
        f"{logins_table(logins)}\n"
    )
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
