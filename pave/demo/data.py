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
