"""Pools for synthetic people: nationalities of migrant domestic workers in Lebanon and names.

Every name here is a common given or family name of its country, combined at random: any
resemblance to a real person is chance. Ethiopian and Eritrean family names are the father's
given name, so the family pool there is a pool of men's given names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Nationality:
    code: str  # ISO 3166 alpha-2
    languages: tuple[str, ...]  # ISO 639-1, most common first
    passport_prefix: str
    women: tuple[str, ...]
    men: tuple[str, ...]
    family: tuple[str, ...]
    # Arabic-script renderings of some names, used as other_names for a few people.
    arabic: dict[str, str]


def _split(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


ETHIOPIA = Nationality(
    code="ET",
    languages=("am", "om", "ti"),
    passport_prefix="EP",
    women=_split(
        "Meron, Tigist, Hirut, Selamawit, Almaz, Bethlehem, Genet, Mekdes, Hana, Tsion, Yeshi, "
        "Aster, Eden, Liya, Frehiwot, Rahel, Zewditu, Marta, Kidist, Tsehay, Birtukan, Senait, "
        "Mulu, Abeba, Etenesh, Tirunesh, Workinesh, Yodit, Saba, Helen, Netsanet, Misrak, "
        "Fatuma, Kedija, Zeynaba, Amina, Lensa, Chaltu, Obse, Hawi, Ayantu, Sifan"
    ),
    men=_split("Dawit, Yonas, Samuel, Abel, Biruk, Henok, Kaleb, Mesfin, Tesfaye, Girma, Solomon"),
    family=_split(
        "Tesfaye, Bekele, Girma, Haile, Alemu, Tadesse, Kebede, Mengistu, Abebe, Wolde, Desta, "
        "Negash, Gebre, Assefa, Getachew, Ayele, Tekle, Hailu, Mekonnen, Demissie, Worku, "
        "Lemma, Tilahun, Berhanu, Gebremedhin, Shiferaw, Yohannes, Mulugeta, Asfaw, Teshome, "
        "Mohammed, Ahmed, Abdulkadir, Hussein, Gemechu, Tolosa, Dinka, Fikadu, Abdi, Jemal"
    ),
    arabic={
        "Fatuma": "فاطمة",
        "Kedija": "خديجة",
        "Zeynaba": "زينب",
        "Amina": "أمينة",
        "Mohammed": "محمد",
        "Ahmed": "أحمد",
        "Abdulkadir": "عبد القادر",
        "Hussein": "حسين",
        "Jemal": "جمال",
    },
)
PHILIPPINES = Nationality(
    code="PH",
    languages=("tl", "en"),
    passport_prefix="EB",
    women=_split(
        "Maricel, Rowena, Jocelyn, Lorna, Marites, Analyn, Cristina, Rosalie, Jennifer, "
        "Mary Grace, Gemma, Leonora, Evangeline, Rosario, Divina, Arlene, Jovelyn, Marilou, "
        "Rachelle, Lourdes, Teresita, Marivic, Erlinda, Charito"
    ),
    men=_split("Jose, Ramon, Rodel, Arnel, Jericho, Mark Anthony"),
    family=_split(
        "Santos, Reyes, Cruz, Bautista, Dela Cruz, Garcia, Mendoza, Villanueva, Ramos, Aquino, "
        "Castillo, Flores, Gonzales, Torres, Navarro, Pascual, Mercado, Soriano, Aguilar, "
        "Dimaculangan, Manalo, Salazar, De Guzman, Tolentino"
    ),
    arabic={},
)
BANGLADESH = Nationality(
    code="BD",
    languages=("bn",),
    passport_prefix="BL",
    women=_split(
        "Shirin, Rehana, Nasrin, Fatema, Rokeya, Shahnaz, Moushumi, Taslima, Shefali, Rina, "
        "Parveen, Jesmin, Morium, Salma, Hasina, Ayesha, Laily, Nazma"
    ),
    men=_split(
        "Mohammad, Abdul Karim, Jahangir, Rafiqul, Shahidul, Mizanur, Kamal, Nurul, Habibur"
    ),
    family=_split(
        "Akter, Begum, Khatun, Sultana, Islam, Rahman, Hossain, Alam, Uddin, Miah, Sarkar, "
        "Chowdhury, Molla, Sheikh, Bepari, Howlader"
    ),
    arabic={"Mohammad": "محمد", "Abdul Karim": "عبد الكريم", "Rahman": "رحمن"},
)
SRI_LANKA = Nationality(
    code="LK",
    languages=("si", "ta"),
    passport_prefix="N",
    women=_split(
        "Kumari, Nirmala, Chandrika, Dilrukshi, Sandya, Priyanthi, Malani, Shanthi, Kamala, "
        "Anoma, Swarna, Inoka, Nilmini, Padmini, Rohini, Thilaka, Vasanthi, Yamuna"
    ),
    men=_split("Nimal, Sunil, Ruwan, Pradeep, Chaminda"),
    family=_split(
        "Perera, Fernando, Silva, Jayasinghe, Wickramasinghe, Kumarasinghe, Rathnayake, Herath, "
        "Bandara, Dissanayake, Gunawardena, Karunaratne, Senanayake, Wijesinghe, "
        "Sivakumar, Rajendran"
    ),
    arabic={},
)
NEPAL = Nationality(
    code="NP",
    languages=("ne",),
    passport_prefix="PA",
    women=_split(
        "Sita, Gita, Sunita, Kamala, Laxmi, Sarita, Bimala, Anita, Sabina, Pramila, Radha, "
        "Manisha, Durga, Parbati, Mina, Bishnu"
    ),
    men=_split("Ram, Hari, Bikash, Suman, Deepak"),
    family=_split(
        "Tamang, Gurung, Rai, Magar, Shrestha, Thapa, Limbu, Sherpa, Lama, Karki, Bhandari, "
        "Adhikari, Khadka, Basnet"
    ),
    arabic={},
)
MADAGASCAR = Nationality(
    code="MG",
    languages=("mg", "fr"),
    passport_prefix="MG",
    women=_split(
        "Hanitra, Voahangy, Lalao, Noro, Fanja, Haingo, Tiana, Rindra, Hery, Mialy, Fara, "
        "Nirina, Volatiana, Holy"
    ),
    men=_split("Andry, Rivo, Tahina, Faly"),
    family=_split(
        "Rakotomalala, Randrianarisoa, Rasoanaivo, Razafindrakoto, Andriamanana, Rabemananjara, "
        "Ravelojaona, Rakotondrabe, Rasolofo, Andrianjafy, Razanamparany, Ratsimbazafy"
    ),
    arabic={},
)
CAMEROON = Nationality(
    code="CM",
    languages=("fr", "en"),
    passport_prefix="CM",
    women=_split(
        "Brigitte, Clarisse, Odile, Solange, Berthe, Nadège, Pauline, Josiane, Estelle, "
        "Mireille, Félicité, Aïcha"
    ),
    men=_split("Emmanuel, Serge, Blaise, Hervé"),
    family=_split(
        "Mbarga, Fotso, Tchoumi, Nkongho, Ebanda, Manga, Abena, Ngono, Tchakounté, Essomba, "
        "Nana, Kamga"
    ),
    arabic={"Aïcha": "عائشة"},
)
KENYA = Nationality(
    code="KE",
    languages=("sw", "en"),
    passport_prefix="AK",
    women=_split(
        "Wanjiru, Akinyi, Njeri, Achieng, Mercy, Faith, Grace, Wambui, Nyambura, Atieno, "
        "Chebet, Jepkoech"
    ),
    men=_split("Kevin, Brian, Dennis, Collins"),
    family=_split(
        "Kamau, Otieno, Mwangi, Ochieng, Kariuki, Njoroge, Omondi, Kiprop, Wafula, Mutua, "
        "Onyango, Kibet"
    ),
    arabic={},
)
SUDAN = Nationality(
    code="SD",
    languages=("ar",),
    passport_prefix="P",
    women=_split("Amna, Hawa, Nafisa, Sara, Fatima, Asha, Maryam, Zeinab"),
    men=_split("Osman, Yousif, Abdelrahman, Khalid, Ibrahim, Adam"),
    family=_split(
        "Abdalla, Osman, Ibrahim, Mohamed Ahmed, Elhassan, Adam, Yagoub, Abakar, Idris, Omer"
    ),
    arabic={
        "Amna": "آمنة",
        "Hawa": "حواء",
        "Nafisa": "نفيسة",
        "Sara": "سارة",
        "Fatima": "فاطمة",
        "Asha": "عائشة",
        "Maryam": "مريم",
        "Zeinab": "زينب",
        "Osman": "عثمان",
        "Yousif": "يوسف",
        "Abdelrahman": "عبد الرحمن",
        "Khalid": "خالد",
        "Ibrahim": "إبراهيم",
        "Adam": "آدم",
        "Abdalla": "عبد الله",
        "Mohamed Ahmed": "محمد أحمد",
        "Elhassan": "الحسن",
        "Yagoub": "يعقوب",
        "Abakar": "أبكر",
        "Idris": "إدريس",
        "Omer": "عمر",
    },
)

NATIONALITIES: dict[str, Nationality] = {
    n.code: n
    for n in (
        ETHIOPIA,
        PHILIPPINES,
        BANGLADESH,
        SRI_LANKA,
        NEPAL,
        MADAGASCAR,
        CAMEROON,
        KENYA,
        SUDAN,
    )
}

# The factsheet programme's 85 adult women by citizenship (Ethiopia the majority, as among
# domestic workers in Lebanon), its 3 adult men and its one minor, a girl of 16.
DEMO_WOMEN = {"ET": 44, "PH": 10, "BD": 8, "LK": 7, "NP": 5, "MG": 5, "CM": 3, "KE": 2, "SD": 1}
DEMO_MEN = {"BD": 2, "SD": 1}
DEMO_MINOR_CITIZENSHIP = "ET"
# Identifications per month, July 2013 .. June 2014: slow start, then steady (sums to 89).
DEMO_MONTHS = [
    ((2013, 7), 3),
    ((2013, 8), 4),
    ((2013, 9), 6),
    ((2013, 10), 7),
    ((2013, 11), 8),
    ((2013, 12), 7),
    ((2014, 1), 9),
    ((2014, 2), 9),
    ((2014, 3), 9),
    ((2014, 4), 9),
    ((2014, 5), 9),
    ((2014, 6), 9),
]

# Weighted choices for bulk generation: (value, weight).
GENERATE_CITIZENSHIP = [
    ("ET", 45),
    ("PH", 12),
    ("BD", 12),
    ("LK", 8),
    ("NP", 6),
    ("MG", 6),
    ("CM", 3),
    ("KE", 4),
    ("SD", 4),
]
IDENTIFICATION_SOURCES = [
    ("screening", 40),
    ("embassy", 20),
    ("ngo", 20),
    ("hotline", 12),
    ("law_enforcement", 5),
    ("self", 3),
]
CASE_TYPES = [
    ("exploited_migrant_worker", 52),
    ("victim_of_trafficking", 40),
    ("vulnerable_migrant", 8),
]
EXPLOITATION_OF_WOMEN = [
    (["ForcedLabour"], 55),
    (["ForcedLabour", "Servitude"], 30),
    (["Servitude"], 8),
    (["ForcedLabour", "SexualExploitation"], 5),
    (["SexualExploitation"], 2),
]
# Kafala-system patterns: withheld passports and wages first.
METHODS_OF_CONTROL = [
    ("WithholdsDocuments", 70),
    ("TakesEarnings", 55),
    ("ExcessiveWorkingHours", 50),
    ("RestrictsFinancialAccess", 30),
    ("PsychologicalAbuse", 35),
    ("PhysicalAbuse", 20),
    ("FalsePromises", 30),
    ("WithholdsNecessities", 15),
    ("DebtBondage", 10),
    ("ThreatsLawEnforcement", 12),
    ("SexualAbuse", 6),
    ("RestrictsMedicalCare", 8),
]
MEN_INDUSTRIES = [
    ("N_AdministrativeAndSupportServiceActivities", 3),
    ("F_Construction", 3),
    ("I_AccommodationAndFoodServiceActivities", 2),
    ("T_ActivitiesOfHouseholdsAsEmployers", 2),
    ("A_AgricultureForestryAndFishing", 1),
]
WOMEN_INDUSTRIES = [
    ("T_ActivitiesOfHouseholdsAsEmployers", 92),
    ("N_AdministrativeAndSupportServiceActivities", 4),
    ("I_AccommodationAndFoodServiceActivities", 3),
    ("S_OtherServiceActivities", 1),
]
ADDRESSES = [
    "Bourj Hammoud, Beirut",
    "Dora, Beirut",
    "Nabaa, Beirut",
    "Hamra, Beirut",
    "Jnah, Beirut",
    "Achrafieh, Beirut",
    "Jounieh",
    "Dekwaneh",
    "Sabra, Beirut",
    "Tripoli",
    "Saida",
    "Zahle",
]
SOURCE_SUMMARY = {
    "screening": "Identified in a screening interview at the migrant detention centre.",
    "embassy": "Referred by the embassy after seeking shelter there.",
    "ngo": "Referred by a partner NGO after an outreach visit.",
    "hotline": "Called the hotline from the employer's house.",
    "law_enforcement": "Referred by General Security after a complaint.",
    "self": "Came to the IOM office in person.",
}


# --- the assistance the factsheet's 89 received (pave demo load) ------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a returning migrant flies to, and what it costs (2014 one-way economy fares from
    Beirut, USD): IOM Lebanon arranges reception and reintegration there with the IOM mission."""

    capital: str
    demonym: str
    fare_usd: tuple[int, int]


ORIGINS: dict[str, Origin] = {
    "ET": Origin("Addis Ababa", "Ethiopian", (360, 520)),
    "PH": Origin("Manila", "Philippine", (640, 940)),
    "BD": Origin("Dhaka", "Bangladeshi", (430, 640)),
    "LK": Origin("Colombo", "Sri Lankan", (450, 660)),
    "NP": Origin("Kathmandu", "Nepali", (480, 700)),
    "MG": Origin("Antananarivo", "Malagasy", (880, 1250)),
    "CM": Origin("Yaoundé", "Cameroonian", (720, 1020)),
    "KE": Origin("Nairobi", "Kenyan", (430, 640)),
    "SD": Origin("Khartoum", "Sudanese", (340, 500)),
}

# Notes on services delivered, by service code. Placeholders: {capital}, {demonym}, {nights},
# {sessions}. Synthetic, and about the service, not the person's story.
SERVICE_NOTES: dict[str, tuple[str, ...]] = {
    "shelter": (
        "Admitted to the shelter the day she left the employer's house; {nights} nights.",
        "Shelter place with three other women; {nights} nights.",
        "Emergency admission at night, then a regular place; {nights} nights.",
    ),
    "shelter-embassy": (
        "Stayed at the embassy's shelter for distressed workers; {nights} nights.",
        "Embassy shelter while her papers were prepared; {nights} nights.",
    ),
    "medical": (
        "General check-up and blood tests at a partner clinic.",
        "Treatment of bruises and a sprained wrist; X-ray.",
        "Gynaecological consultation and follow-up.",
        "Dental care: two extractions.",
        "Consultation for insomnia and headaches; medication for a month.",
        "Treatment of a skin infection caught in detention.",
    ),
    "psychosocial-recovery": (
        "Individual counselling, {sessions} sessions.",
        "Group sessions at the drop-in centre ({sessions}) and one individual session.",
        "Psychological first aid, then {sessions} counselling sessions with an interpreter.",
    ),
    "legal-aid": (
        "Complaint for unpaid wages filed with the Ministry of Labour.",
        "Passport recovered from the recruitment agency.",
        "Represented at General Security; released from detention for return.",
        "Settlement of six months' unpaid wages negotiated with the employer.",
        "Statement to the public prosecutor under Law 164/2011, with a lawyer present.",
        "Advice on rights, and on the sponsorship transfer that had been refused.",
    ),
    "legal-aid-minor": (
        "Guardianship request to the juvenile judge; statement taken with a lawyer present.",
    ),
    "travel-documents": (
        "Laissez-passer from the {demonym} consulate; exit clearance from General Security.",
        "Passport renewed by the {demonym} consulate; residency penalties waived by General "
        "Security.",
    ),
    "travel-documents-embassy": (
        "Travel document issued by the consular section; fee waived.",
        "Passport recovered and exit clearance obtained by the labour attaché.",
    ),
    "ticket": ("One-way ticket Beirut – {capital}.",),
    "ticket-cancelled": (
        "Flight cancelled: the exit clearance from General Security was not ready in time.",
    ),
    "escort": (
        "Escorted to {capital} by an IOM operations assistant.",
        "Medical escort to {capital}: travel with a nurse.",
    ),
    "reception-on-arrival": (
        "Met at {capital} airport by IOM; transport home and a pocket allowance.",
        "Airport reception in {capital}, one night in a transit centre, bus fare home.",
    ),
    "economic-reintegration": (
        "Small business grant in kind: a grocery kiosk.",
        "Small business grant in kind: sewing machine and fabric.",
        "Small business grant in kind: poultry and feed for six months.",
        "Vocational training (hairdressing) and a starter kit.",
        "Small business grant in kind: a tea and coffee stall.",
        "Small business grant in kind: mobile phone top-up shop.",
    ),
    "social-reintegration-minor": (
        "School enrolment, fees and uniform for a year; family mediation before her return.",
    ),
    "escort-minor": ("Escorted to {capital} by an IOM operations assistant, as every child is.",),
    "social-reintegration": (
        "School fees and uniforms for the children for a year.",
        "Family mediation and a community reintegration session.",
        "Health insurance for a year through a local partner.",
    ),
    "psychosocial-reintegration": (
        "Counselling with IOM's partner in {capital}, {sessions} sessions.",
        "Peer support group of returnees in {capital}, {sessions} meetings.",
    ),
}

# Support plans: (HTCDS spl_Type, objectives, action plan).
PLANS: dict[str, tuple[str, str]] = {
    "LabourExploitationRehabilitation": (
        "Recover in safety, recover what is owed and return home safely.",
        "1. Shelter and medical check-up. 2. Counselling. 3. Legal advice on wages and "
        "passport. 4. Travel documents and return when ready.",
    ),
    "SexualExploitationRehabilitation": (
        "Recover from the abuse in safety and decide freely about the next steps.",
        "1. Shelter. 2. Medical care. 3. Weekly counselling with a woman counsellor. 4. Legal "
        "advice before any statement. 5. Return when ready.",
    ),
    "Legal": (
        "Obtain the unpaid wages and the passport; testify only if the person wishes to.",
        "1. Legal advice. 2. Complaint to the Ministry of Labour. 3. Settlement or hearing. "
        "4. Return after the settlement.",
    ),
    "Health": (
        "Treat the injuries and restore health before travelling.",
        "1. Medical examination. 2. Treatment and follow-up. 3. Fitness to travel.",
    ),
    "Livelihood": (
        "Earn a stable income at home within six months of return.",
        "1. Business plan with IOM {capital}. 2. Grant in kind. 3. Monitoring visits at one, "
        "three and six months.",
    ),
    "SocialCare": (
        "A guardian, safety and schooling for a child of 16.",
        "1. Guardianship request. 2. Shelter with care staff. 3. Counselling. 4. Family tracing "
        "and escorted return. 5. School enrolment at home.",
    ),
}

VISIT_NOTES: dict[str, tuple[str, ...]] = {
    "stable": (
        "Phone follow-up with IOM {capital}: business running, living with family.",
        "Visit by IOM {capital}: doing well, at home with family.",
        "Phone call: settled, no further needs expressed.",
    ),
    "needs_support": (
        "Phone follow-up: business slow; IOM {capital} to advise on stock.",
        "Visit by IOM {capital}: tension with relatives over the debt; mediation offered.",
    ),
    "at_risk": ("Phone call: approached by a recruiter again; IOM {capital} to visit at once.",),
    "not_reached": ("Two calls unanswered; IOM {capital} asked to try the family.",),
    "due": ("Next follow-up by IOM {capital}.",),
}
ASSESSMENT_NOTES = (
    "Assessed with IOM {capital} over the phone.",
    "Assessed by IOM {capital} during a home visit.",
)

# Reasons given for each stage step (stored encrypted on the step).
STEP_REASONS: dict[str, tuple[str, ...]] = {
    "assessed": (
        "Needs assessment done with the person, with an interpreter.",
        "Assessment interview done; screening indicators confirmed.",
    ),
    "assistance": (
        "Assistance plan agreed with the person; services started.",
        "Consent recorded and services arranged with partners.",
    ),
    "follow_up": ("Returned to {capital}; follow-up of reintegration from now on.",),
    "closure_requested": (
        "Reintegration assessed as sustainable; no further support needed.",
        "Objectives of the plan met; last follow-up stable.",
    ),
    "closure_requested-referred": (
        "Reintegration support continues with IOM {capital}; our part is done.",
    ),
    "closed": ("Agreed: objectives met and file complete.", "Approved after review of the file."),
    "closed_referred": ("Agreed: the case continues with IOM {capital}.",),
}

CONSENT_NOTES = {
    "processing": "Consent form read out in the person's own language.",
    "processing-minor": "Given by the guardian appointed by the juvenile judge.",
    "statistics": "Explained that the person will only be counted, never named.",
    "referral": "Agreed to be referred for the services named.",
}

# What the sender tells the receiving organisation (never the person's story).
REFERRAL_DETAILS = {
    "BMS": "Please call the case worker to arrange the first session; an interpreter is needed.",
    "CLA": "Unpaid wages and withheld passport; documents available at IOM.",
    "PH-EMB-LB": "Needs travel documents for return; the passport is with the employer.",
}
OVERRIDE_REASON = (
    "A child of 16 with no guardian reachable in Lebanon: referred in her best interests "
    "while the juvenile judge appoints a guardian."
)
DECLINE_REASONS = {
    "BMS-male": "Our shelter and counselling programme take women only; please try IOM's own "
    "counsellor.",
    "BMS": "No counsellor free before August; please refer again then.",
    "CLA": "Conflict of interest: the clinic already acts for the recruitment agency involved.",
}
REVOKE_REASON = "Decided to return home at once; counselling will continue with IOM {capital}."

# The service directory: (organisation, country, city, service codes, how to reach them).
DIRECTORY = [
    (
        "IOM-LB",
        "LB",
        "Beirut",
        ("travel-documents", "ticket", "escort", "medical"),
        "IOM Lebanon, Jnah: movement and health unit. Referrals through PAVE.",
    ),
    (
        "BMS",
        "LB",
        "Beirut",
        ("shelter", "psychosocial-recovery"),
        "Bourj Hammoud drop-in centre, women only. Referrals through PAVE, answered within five "
        "working days.",
    ),
    (
        "CLA",
        "LB",
        "Beirut",
        ("legal-aid",),
        "Legal clinic: wages, passports, detention, Law 164/2011 cases. Referrals through PAVE.",
    ),
    (
        "PH-EMB-LB",
        "LB",
        "Beirut",
        ("travel-documents", "shelter"),
        "Consular section and the shelter for distressed Filipino workers.",
    ),
]
# IOM Lebanon arranges these with the IOM mission in each country of origin.
DIRECTORY_ORIGIN_SERVICES = (
    "reception-on-arrival",
    "economic-reintegration",
    "social-reintegration",
    "psychosocial-reintegration",
)
DIRECTORY_ORIGIN_NOTES = "Through the IOM mission in %s; arranged by IOM Lebanon before departure."
