"""Code lists: HTCDS 2.0 picklists (value names kept verbatim) and PAVE's own additions.

The stored value is the HTCDS value name, so exports speak the standard without mapping.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries


def country_names(codes: Iterable[str] | None) -> str:
    """ISO country codes as names in the active language ("ET, LB" -> "Ethiopia, Lebanon");
    an unknown code is shown as it is."""
    return ", ".join(str(countries.name(code)) or code for code in codes or [] if code)


class OrganisationType(models.TextChoices):
    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    CORPORATE = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")
    # PAVE additions for the programme's partners.
    EMBASSY = "Embassy", _("Embassy or consulate")
    INTERNATIONAL = "InternationalOrganisation", _("International organisation")
    MEDIA = "Media", _("Media")
    DONOR = "Donor", _("Donor")


class Sex(models.TextChoices):
    """Sex as recorded for disaggregation (DESIGN §5)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class Gender(models.TextChoices):
    """HTCDS prs_Gender."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class DecisionMakingOrg(models.TextChoices):
    """HTCDS vic_TraffickingStatusDecisionMakingOrg."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENT = (
        "NonPoliceGovernmentalOrganization",
        _("Non-police governmental organisation"),
    )
    OTHER = "Other", _("Other")


class TypeOfExploitation(models.TextChoices):
    """HTCDS vic_TypeOfExploitation (multi-select)."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military (non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class MethodOfControl(models.TextChoices):
    """HTCDS vic_MethodsOfControl (multi-select)."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threatens children / family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substance")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class Industry(models.TextChoices):
    """HTCDS vic_ForcedLabourIndustry: ISIC rev. 4 sections."""

    A = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _("Mining and quarrying")
    C = "C_Manufacturing", _("Manufacturing")
    D = "D_ElectricityGasSteamAndAirConditioningSupply", _("Electricity, gas and steam supply")
    E = "E_WaterSupplySewerageWasteManagement", _("Water supply, sewerage, waste management")
    F = "F_Construction", _("Construction")
    G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade")
    H = "H_TransportationAndStorage", _("Transportation and storage")
    I = "I_AccommodationAndFoodServiceActivities", _("Accommodation and food service")  # noqa: E741
    J = "J_InformationAndCommunication", _("Information and communication")
    K = "K_FinancialAndInsuranceActivities", _("Financial and insurance activities")
    L = "L_RealEstateActivities", _("Real estate activities")
    M = "M_ProfessionalScientificAndTechnicalActivities", _("Professional and technical activities")
    N = "N_AdministrativeAndSupportServiceActivities", _("Administrative and support services")
    O = "O_PublicAdministrationAndDefence", _("Public administration and defence")  # noqa: E741
    P = "P_Education", _("Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _("Human health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    S = "S_OtherServiceActivities", _("Other service activities")
    T = "T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")
    U = "U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organisations")


class CaseStatus(models.TextChoices):
    """HTCDS cas_Status."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed (referred)")


class CaseStage(models.TextChoices):
    """PAVE's finer stages; each maps onto one HTCDS cas_Status (see CASE_STAGE_STATUS)."""

    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    ASSISTANCE = "assistance", _("Receiving assistance")
    FOLLOW_UP = "follow_up", _("Follow-up")
    # Added with the workflow (issue 4): waiting for a case manager to approve the closure.
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")
    CLOSED_REFERRED = "closed_referred", _("Closed (referred)")


CASE_STAGE_STATUS: dict[str, str] = {
    CaseStage.IDENTIFIED: CaseStatus.ACTIVE,
    CaseStage.ASSESSED: CaseStatus.ACTIVE,
    CaseStage.ASSISTANCE: CaseStatus.ACTIVE,
    CaseStage.FOLLOW_UP: CaseStatus.FOLLOW_UP,
    # Still open until a manager approves: HTCDS knows no "closing" status.
    CaseStage.CLOSURE_REQUESTED: CaseStatus.ACTIVE,
    CaseStage.CLOSED: CaseStatus.CLOSED,
    CaseStage.CLOSED_REFERRED: CaseStatus.CLOSED_REFERRED,
}


class CaseType(models.TextChoices):
    VICTIM_OF_TRAFFICKING = "victim_of_trafficking", _("Victim of trafficking")
    EXPLOITED_MIGRANT_WORKER = "exploited_migrant_worker", _("Exploited migrant worker")
    VULNERABLE_MIGRANT = "vulnerable_migrant", _("Vulnerable migrant")


class IdentificationSource(models.TextChoices):
    SCREENING = "screening", _("Screening interview")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    EMBASSY = "embassy", _("Embassy or consulate")
    NGO = "ngo", _("NGO")
    HOTLINE = "hotline", _("Hotline")
    SELF = "self", _("Self-identified")
    OTHER = "other", _("Other")


class SupportPlanType(models.TextChoices):
    """HTCDS spl_Type: the type of a support (case) plan."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_EXPLOITATION_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _("Labour exploitation rehabilitation"),
    )
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_BASED_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_EXPLOITATION_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _("Sexual exploitation rehabilitation"),
    )
    SOCIAL_CARE = "SocialCare", _("Social care")


class Currency(models.TextChoices):
    """ISO 4217 codes of the currencies assistance is paid in: the euro and dollar, the
    countries of destination in the Middle East and the Gulf, and the countries of origin
    of the migrant workers PAVE's programmes assist."""

    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")
    GBP = "GBP", _("Pound sterling (GBP)")
    CHF = "CHF", _("Swiss franc (CHF)")
    LBP = "LBP", _("Lebanese pound (LBP)")
    JOD = "JOD", _("Jordanian dinar (JOD)")
    EGP = "EGP", _("Egyptian pound (EGP)")
    IQD = "IQD", _("Iraqi dinar (IQD)")
    SYP = "SYP", _("Syrian pound (SYP)")
    SAR = "SAR", _("Saudi riyal (SAR)")
    AED = "AED", _("UAE dirham (AED)")
    KWD = "KWD", _("Kuwaiti dinar (KWD)")
    QAR = "QAR", _("Qatari riyal (QAR)")
    BHD = "BHD", _("Bahraini dinar (BHD)")
    OMR = "OMR", _("Omani rial (OMR)")
    ETB = "ETB", _("Ethiopian birr (ETB)")
    PHP = "PHP", _("Philippine peso (PHP)")
    LKR = "LKR", _("Sri Lankan rupee (LKR)")
    BDT = "BDT", _("Bangladeshi taka (BDT)")
    NPR = "NPR", _("Nepalese rupee (NPR)")
