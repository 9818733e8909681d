"""Synthetic demo data: two fictional municipalities with their teams, households, signals and trajectories.

``generate()`` is a pure function of (size, seed, reference date): it yields batches of row tuples and
touches no database, so the same seed and date always give the same rows. ``seed_demo()`` writes those
batches in one transaction: COPY on PostgreSQL, ``bulk_create`` in batches elsewhere. Ids are assigned
here in Python (from the current maximum + 1), so child rows need no lookups; nothing goes through the
per-row services and no audit rows are written (seeding is not a user action).

Volumes and mixes are **assumptions** for demo and load tests, derived from DOMAIN.md §7.3 (the suggested
synthetic-data profile: signal-source mix, 40–60% of meldingen closed with advice or the voorliggend
veld, ZRM mostly 2–3 at intake, caseload 20–40 households per generalist, 1G1P regie for a small share
of households) and the workload sizes S/M/L at the top of DOMAIN.md. Each figure marked [assumption]
below is our own estimate, not a source.

Privacy: every BSN is a 9999xxxxx test number that passes the elfproef (DOMAIN.md §5.7); the
municipalities (CBS-like codes 9901/9902), organisations, e-mail domains (.example) and telephone block
are fictional. The 9999 test range holds only ~9,091 valid numbers, so in sizes M and L persons beyond
that stay without BSN rather than receive a number that might be a real person's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from faker import Faker
from faker.providers.person.nl_NL import Provider as DutchNames

from toegang.accounts.models import Area, Municipality, Organisation, Team, User
from toegang.cases.models import Involvement, Note, RegisseurAssignment, Trajectory
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import (
    Action,
    DomainFinding,
    Exploration,
    Goal,
    GoalReview,
    LifeDomain,
    Plan,
    Review,
    SelfRelianceLevel,
    SelfRelianceScore,
)
from toegang.signals.models import Signal

Row = tuple[Any, ...]
Batch = dict[str, list[Row]]

DEMO_PASSWORD = "demo-Toegang-2026"  # noqa: S105 - the published password of the demo accounts

# --------------------------------------------------------------------------------------------------
# Sizes. [assumption] throughout; S and M follow the workload sizes in DOMAIN.md (S: ~2,000 persons,
# 1,000 households, 800 signals, 400 trajectories; M: a 100k-inhabitant municipality over 10 years with
# ~150k persons, 50k households, 100k trajectories, 50k plans, 200k goals, 500k actions, 2M notes and
# 120 professionals; L: 10 x M). Signals in M: one intake per trajectory plus an equal share closed
# with advice / voorliggend veld (§7.3: 40-60%), i.e. ~220k.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeProfile:
    households: int
    trajectories: int
    signals: int
    new_signals: int  # still untriaged (status nieuw): the team queues
    horizon_years: int  # how far back trajectories and signals go
    open_share: float  # share of households-with-trajectories whose latest trajectory is still open
    plan_share: float  # share of closed trajectories that reached a plan
    professionals_per_team: int
    teams_per_area_factor: int
    demo_team_share: float | None  # share of households in the demo team (None: by area weight)
    demo_caseload: int  # open trajectories with `professional` as regisseur
    demo_partner_involvements: int
    demo_professional_involvements: int
    notes_per_month: float
    extra_goal_share: float  # chance of a second goal for a domain in a first plan
    actions_per_goal: tuple[tuple[int, int], ...]  # (number of actions, weight)
    household_mix: tuple[float, float, float, float, float]  # single, couple, family, single parent, other
    chunk_households: int


# Household mixes [assumption]: CBS shows ~39% one-person, ~28% couples, ~25% couples with children,
# ~8% single-parent households nationally; the caseload of a Toegang has more families (M: 3 persons
# per household).
_MIX_GENERAL = (0.33, 0.22, 0.27, 0.15, 0.03)
_MIX_CASELOAD = (0.04, 0.05, 0.64, 0.23, 0.04)
_ACTIONS_FEW = ((1, 20), (2, 35), (3, 30), (4, 15))
_ACTIONS_MORE = ((1, 8), (2, 22), (3, 35), (4, 22), (5, 13))

SIZES: dict[str, SizeProfile] = {
    "XS": SizeProfile(20, 10, 20, 4, 2, 0.7, 0.6, 2, 1, 0.5, 3, 2, 1, 1.5, 0.2, _ACTIONS_FEW, _MIX_GENERAL, 5_000),
    "S": SizeProfile(
        1_000, 400, 800, 30, 3, 0.5, 0.6, 4, 1, 0.15, 15, 4, 3, 2.2, 0.2, _ACTIONS_FEW, _MIX_GENERAL, 5_000
    ),
    "M": SizeProfile(
        50_000,
        100_000,
        220_000,
        900,
        10,
        0.08,
        0.33,
        15,
        1,
        None,
        30,
        6,
        4,
        2.9,
        0.6,
        _ACTIONS_MORE,
        _MIX_CASELOAD,
        2_000,
    ),
    "L": SizeProfile(
        500_000,
        1_000_000,
        2_200_000,
        9_000,
        10,
        0.08,
        0.33,
        15,
        10,
        None,
        30,
        6,
        4,
        2.9,
        0.6,
        _ACTIONS_MORE,
        _MIX_CASELOAD,
        2_000,
    ),
}

# --------------------------------------------------------------------------------------------------
# The fictional setting
# --------------------------------------------------------------------------------------------------

K = Organisation.Kind
R = User.Role

# (code, name, weight, [(area, weight, postcode digits, [team names])])
MUNICIPALITIES = [
    (
        "9901",
        "Lindenhoeve",
        0.6,
        [
            ("Centrum", 0.34, "6841", ["Team Centrum-Noord", "Team Centrum-Zuid"]),
            ("De Hoven", 0.24, "6842", ["Team De Hoven"]),
            ("Noorderpark", 0.24, "6843", ["Team Noorderpark"]),
            ("Eikenburg", 0.18, "6844", ["Team Eikenburg"]),
        ],
    ),
    (
        "9902",
        "Ouderwaard",
        0.4,
        [
            ("Ouderwaard-Dorp", 0.45, "6851", ["Team Ouderwaard-Dorp"]),
            ("Westerbroek", 0.30, "6852", ["Team Westerbroek"]),
            ("Molenkade", 0.25, "6853", ["Team Molenkade"]),
        ],
    ),
]
DEMO_TEAM = "Team Centrum-Noord"

# (name, kind, cao, municipality code or None)
ORGANISATIONS = [
    ("Gemeente Lindenhoeve", K.MUNICIPALITY, "Cao Gemeenten", "9901"),
    ("Gemeente Ouderwaard", K.MUNICIPALITY, "Cao Gemeenten", "9902"),
    ("Stichting Welzijn Lindenwaard", K.WELFARE, "Cao Sociaal Werk", None),
    ("Jeugdhulp De Waardse Linde", K.YOUTH_CARE, "Cao Jeugdzorg", None),
    ("GGZ Waardland", K.MENTAL_HEALTH, "Cao GGZ", None),
    ("Schuldhulp Waardland", K.DEBT, "Cao Sociaal Werk", None),
    ("Cliëntondersteuning Waardland", K.MEE, "Cao Gehandicaptenzorg", None),
    ("JGZ Waardland", K.YOUTH_HEALTH, "Cao SGO (Samenwerkende Gemeentelijke Organisaties)", None),
]
ORG_DOMAIN = {
    K.WELFARE: "welzijnlindenwaard.example",
    K.YOUTH_CARE: "waardselinde.example",
    K.MENTAL_HEALTH: "ggzwaardland.example",
    K.DEBT: "schuldhulpwaardland.example",
    K.MEE: "clientondersteuning.example",
    K.YOUTH_HEALTH: "jgzwaardland.example",
}
# Seconded professionals per team rotate through these employers [assumption: ~40% seconded].
SECONDED_KINDS = [K.WELFARE, K.YOUTH_CARE, K.MENTAL_HEALTH, K.DEBT, K.MEE, K.YOUTH_HEALTH]
JOB_TITLES = {
    K.MUNICIPALITY: ["Generalist wijkteam", "Wmo-consulent", "Jeugdconsulent", "Consulent werk en inkomen"],
    K.WELFARE: ["Maatschappelijk werker (gedetacheerd)"],
    K.YOUTH_CARE: ["Jeugd- en gezinswerker (gedetacheerd)"],
    K.MENTAL_HEALTH: ["Sociaal psychiatrisch verpleegkundige (gedetacheerd)"],
    K.DEBT: ["Schuldhulpverlener (gedetacheerd)"],
    K.MEE: ["Cliëntondersteuner (gedetacheerd)"],
    K.YOUTH_HEALTH: ["Jeugdverpleegkundige (gedetacheerd)"],
}
INVOLVEMENT_ROLES = {
    K.MUNICIPALITY: ["Wmo-consulent", "Consulent werk en inkomen"],
    K.WELFARE: ["Maatschappelijk werker", "Buurtwerker"],
    K.YOUTH_CARE: ["Ambulant jeugdhulpverlener", "Gezinscoach"],
    K.MENTAL_HEALTH: ["GGZ-behandelaar", "Sociaal psychiatrisch verpleegkundige"],
    K.DEBT: ["Schuldhulpverlener"],
    K.MEE: ["Cliëntondersteuner"],
    K.YOUTH_HEALTH: ["Jeugdverpleegkundige"],
}

# The fixed demo accounts: (username, role, first name, last name, organisation, team, job title).
_DEMO_USERS = [
    ("professional", R.PROFESSIONAL, "Sanne", "de Wit", "Gemeente Lindenhoeve", DEMO_TEAM, "Generalist wijkteam"),
    (
        "partner",
        R.PROFESSIONAL,
        "Youssef",
        "El Amrani",
        "Jeugdhulp De Waardse Linde",
        DEMO_TEAM,
        "Jeugd- en gezinswerker (gedetacheerd)",
    ),
    ("teamleider", R.TEAM_LEAD, "Marieke", "Bos", "Gemeente Lindenhoeve", DEMO_TEAM, "Teamleider wijkteam"),
    ("manager", R.MANAGER, "Erik", "van Dam", "Gemeente Lindenhoeve", "", "Manager sociaal domein"),
    ("beheerder", R.FUNCTIONAL_ADMIN, "Ruud", "Kramer", "Gemeente Lindenhoeve", "", "Functioneel beheerder"),
    ("privacy", R.PRIVACY_OFFICER, "Inge", "Hoekstra", "Gemeente Lindenhoeve", "", "Functionaris gegevensbescherming"),
    # a professional of the neighbouring team: sees none of the demo team's households (break-the-glass)
    ("buurteam", R.PROFESSIONAL, "Daan", "Kuipers", "Gemeente Lindenhoeve", "Team Centrum-Zuid", "Generalist wijkteam"),
]


# Accounts added after the generated data (so that they do not shift its random stream): a welfare
# organisation's partner account that receives referrals and takes part in case conferences.
_DEMO_PARTNER_USERS = [
    # reports worries to the demo team (the team a partner account sends its signals to)
    ("welzijn", R.REPORTER, "Noor", "Visser", "Stichting Welzijn Lindenwaard", DEMO_TEAM, "Wijkwerker welzijn"),
]


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """The fixed demo accounts as (username, role label, organisation, team); team is "" when none.

    All use the password ``DEMO_PASSWORD``."""
    return [
        (u, str(R(role).label), org, team) for u, role, _f, _l, org, team, _j in [*_DEMO_USERS, *_DEMO_PARTNER_USERS]
    ]


# --------------------------------------------------------------------------------------------------
# Fast BSN generator for the test range
# --------------------------------------------------------------------------------------------------

BSN_TEST_RANGE_START = 999_900_000
BSN_TEST_RANGE_END = 999_999_999


def iter_test_bsns(start: int = BSN_TEST_RANGE_START) -> Iterator[str]:
    """Every number from ``start`` up to 999999999 that passes the elfproef, ascending.

    9*d1 + 8*d2 + ... + 2*d8 - d9 must be divisible by 11, so each 8-digit prefix has exactly one check
    digit (the weighted sum mod 11) or none when that remainder is 10. One pass over the 10,000
    prefixes of the 9999 range yields all ~9,091 valid test numbers."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    for prefix in range(start // 10, BSN_TEST_RANGE_END // 10 + 1):
        digits = f"{prefix:08d}"
        check = sum(w * (ord(c) - 48) for w, c in zip(weights, digits, strict=True)) % 11
        if check < 10 and prefix * 10 + check >= start:
            yield f"{digits}{check}"


# --------------------------------------------------------------------------------------------------
# Texts (Dutch, as a professional would write them)
# --------------------------------------------------------------------------------------------------

DOMAIN_TEXT: dict[str, dict[str, Any]] = {
    "financien": {
        "situation": [
            "Inkomen uit bijstand; de vaste lasten lopen achter.",
            "Betalingsachterstanden bij energieleverancier en zorgverzekeraar.",
            "Post blijft ongeopend liggen; er is geen overzicht van de schulden.",
        ],
        "strengths": [
            "Wil graag weer grip op het geld en staat open voor hulp.",
            "Heeft eerder zelf een regeling getroffen.",
        ],
        "concerns": [
            "Dreigende afsluiting van energie en water.",
            "Schulden lopen op door incasso- en deurwaarderskosten.",
        ],
        "own": ["Een zus helpt bij internetbankieren.", "Kan met een vast weekmoment zelf de post sorteren."],
        "goals": [
            "De vaste lasten worden elke maand op tijd betaald.",
            "Er is een volledig overzicht van alle schulden en een passende regeling.",
            "Het huishouden heeft een stabiel inkomen zonder nieuwe schulden.",
        ],
        "lid": ["Opent elke week de post en legt rekeningen in de map.", "Houdt een kasboek bij van de uitgaven."],
        "netwerk": [
            "Helpt eens per maand bij het betalen van de rekeningen.",
            "Gaat mee naar het gesprek met de schuldeisers.",
        ],
        "professional": [
            "Aanmelden bij de schuldhulpverlening.",
            "Aanvraag bijzondere bijstand indienen.",
            "Betalingsregeling met de energieleverancier afspreken.",
            "Toeslagen controleren en zo nodig aanvragen.",
        ],
    },
    "werk-opleiding": {
        "situation": [
            "Al twee jaar zonder werk, met een bijstandsuitkering.",
            "Oudste zoon is gestopt met zijn mbo-opleiding.",
        ],
        "strengths": ["Is gemotiveerd om weer aan het werk te gaan.", "Heeft ervaring in de zorg en de horeca."],
        "concerns": ["Heeft geen startkwalificatie.", "Het verzuim op school loopt op."],
        "own": ["Oom kan helpen met contacten bij een bouwbedrijf.", "Zoekt zelf vacatures via de bibliotheek."],
        "goals": [
            "Heeft een vaste plek bij een werkgever of leerwerkbedrijf.",
            "Volgt een passende opleiding en gaat er elke dag heen.",
        ],
        "lid": ["Schrijft zich in bij twee uitzendbureaus.", "Gaat elke dag naar school en meldt zich zo nodig ziek."],
        "netwerk": ["Neemt mee naar een open dag van het leerwerkbedrijf."],
        "professional": [
            "Gesprek met de werkconsulent plannen over re-integratie.",
            "Overleg met leerplicht en mentor over een passend traject.",
        ],
    },
    "tijdsbesteding": {
        "situation": ["Heeft geen dagritme; zit de meeste dagen thuis.", "Is gestopt met vrijwilligerswerk na ziekte."],
        "strengths": ["Heeft vroeger met plezier in de tuin gewerkt.", "Is handig en behulpzaam."],
        "concerns": ["Verveling en somberheid nemen toe."],
        "own": ["Buurman nodigt uit voor de moestuin."],
        "goals": [
            "Heeft minstens drie dagdelen per week een zinvolle bezigheid.",
            "Heeft een vast dagritme met opstaan, bezigheden en rust.",
        ],
        "lid": ["Bezoekt twee keer per week de inloop in het buurthuis."],
        "netwerk": ["Gaat samen naar de moestuin op zaterdag."],
        "professional": [
            "Kennismaking regelen bij dagbesteding (algemene voorziening).",
            "Vrijwilligerswerk zoeken via de vrijwilligerscentrale.",
        ],
    },
    "huisvesting": {
        "situation": [
            "Huurachterstand; de woningcorporatie kondigt een ontruimingsprocedure aan.",
            "De woning is te klein en vochtig voor het gezin.",
            "Woont tijdelijk in bij een vriend.",
        ],
        "strengths": ["Heeft zelf contact gezocht met de woningcorporatie.", "Houdt de woning schoon en netjes."],
        "concerns": ["Dreigende dakloosheid.", "De kinderen hebben geen eigen plek om huiswerk te maken."],
        "own": ["Moeder kan tijdelijk opvang bieden."],
        "goals": [
            "Het huishouden woont in een passende woning zonder dreiging van ontruiming.",
            "De huur wordt elke maand op tijd betaald.",
        ],
        "lid": ["Betaalt de huur via automatische incasso op de dag na de uitkering."],
        "netwerk": ["Helpt met verhuizen en klussen in de nieuwe woning."],
        "professional": [
            "Overleg met de woningcorporatie over een betalingsregeling.",
            "Urgentieaanvraag voorbereiden en indienen.",
        ],
    },
    "huiselijke-relaties": {
        "situation": [
            "Veel spanningen tussen de ouders sinds de scheiding.",
            "Ouders hebben moeite met grenzen stellen aan de kinderen.",
            "De zorg voor een ouder wordende moeder drukt zwaar op het gezin.",
        ],
        "strengths": ["Ouders willen allebei het beste voor de kinderen.", "Er is een warme band met de grootouders."],
        "concerns": ["De kinderen raken betrokken bij ruzies.", "De mantelzorger is overbelast."],
        "own": ["Oma vangt de kinderen twee middagen per week op."],
        "goals": [
            "Ouders maken samen afspraken over de opvoeding en houden zich eraan.",
            "De kinderen groeien op zonder ruzies waar zij bij zijn.",
            "De mantelzorger heeft elke week tijd voor zichzelf.",
        ],
        "lid": ["Ouders bespreken elke zondag de planning van de week.", "Vader haalt de kinderen op vaste dagen op."],
        "netwerk": ["Oma past twee middagen per week op.", "Een vriendin neemt één avond per week de zorg over."],
        "professional": [
            "Ouderschapsplan opstellen met een mediator.",
            "Ambulante gezinsbegeleiding starten.",
            "Respijtzorg regelen voor de mantelzorger.",
        ],
    },
    "geestelijke-gezondheid": {
        "situation": [
            "Somberheidsklachten sinds het overlijden van de partner.",
            "Angstklachten; komt de deur nauwelijks uit.",
            "Bekend met een psychiatrische diagnose; de behandeling is gestopt.",
        ],
        "strengths": ["Herkent de eigen signalen en vraagt op tijd hulp.", "Heeft een goede band met de huisarts."],
        "concerns": ["Slaapt slecht en eet onregelmatig.", "Zorgmijdend; afspraken worden afgezegd."],
        "own": ["Broer belt elke avond even."],
        "goals": [
            "Voelt zich stabieler en weet wat te doen als het slechter gaat.",
            "Heeft een behandelaar en gaat naar de afspraken.",
        ],
        "lid": ["Houdt een dagboek bij van stemming en slaap.", "Gaat elke dag een half uur wandelen."],
        "netwerk": ["Gaat mee naar de eerste afspraak bij de behandelaar."],
        "professional": [
            "Verwijzing naar de GGZ bespreken met de huisarts.",
            "Signaleringsplan opstellen met cliënt en netwerk.",
        ],
    },
    "lichamelijke-gezondheid": {
        "situation": [
            "Heeft COPD en raakt snel buiten adem.",
            "Herstelt van een heupoperatie.",
            "Diabetes is slecht ingesteld.",
        ],
        "strengths": ["Neemt de medicijnen trouw in.", "Wil graag zelfstandig blijven wonen."],
        "concerns": ["Valt regelmatig in huis.", "Mist controles bij de praktijkondersteuner."],
        "own": ["Dochter rijdt mee naar ziekenhuisafspraken."],
        "goals": [
            "Kan zich veilig door de woning bewegen zonder te vallen.",
            "Gaat naar alle controles bij huisarts en ziekenhuis.",
        ],
        "lid": ["Zet de afspraken op de kalender in de keuken."],
        "netwerk": ["Rijdt mee naar de controles in het ziekenhuis."],
        "professional": [
            "Aanvraag Wmo-hulpmiddelen (douchestoel, beugels) beoordelen.",
            "Valpreventietraining regelen.",
        ],
    },
    "middelengebruik": {
        "situation": [
            "Drinkt dagelijks meer dan vijf glazen alcohol.",
            "Blowt dagelijks; zegt het onder controle te hebben.",
        ],
        "strengths": ["Wil minderen voor de kinderen.", "Heeft eerder een periode niet gedronken."],
        "concerns": ["Het gebruik leidt tot ruzies en schulden."],
        "own": ["Een vriend gaat mee naar de sportschool in plaats van het café."],
        "goals": ["Gebruikt minder en weet wie te bellen bij terugval.", "Drinkt niet als de kinderen thuis zijn."],
        "lid": ["Houdt bij hoeveel er per dag gedronken wordt."],
        "netwerk": ["Spreekt af om samen te sporten op vaste avonden."],
        "professional": ["Aanmelding bij de verslavingszorg bespreken en regelen."],
    },
    "basale-adl": {
        "situation": ["Heeft hulp nodig bij wassen en aankleden.", "Kan zich niet meer zelfstandig douchen."],
        "strengths": ["Kan zelf eten en zich verplaatsen met de rollator."],
        "concerns": ["De persoonlijke verzorging schiet tekort."],
        "own": ["Partner helpt 's ochtends bij het aankleden."],
        "goals": [
            "Is elke dag verzorgd en gekleed op een manier die bij hem of haar past.",
            "Kan zich met hulpmiddelen zelf wassen.",
        ],
        "lid": ["Doucht op vaste dagen met hulp van de partner."],
        "netwerk": ["Schoonzoon installeert een douchezitje."],
        "professional": [
            "Wijkverpleging inschakelen voor persoonlijke verzorging.",
            "Indicatie voor hulpmiddelen aanvragen.",
        ],
    },
    "instrumentele-adl": {
        "situation": [
            "Het huishouden loopt vast: boodschappen, koken en schoonmaken lukken niet meer.",
            "Kan de was en de boodschappen niet meer zelf doen.",
        ],
        "strengths": ["Weet goed wat er moet gebeuren en kan dat aangeven."],
        "concerns": ["De woning raakt vervuild.", "Eet onregelmatig door gebrek aan boodschappen."],
        "own": ["Buurvrouw doet eens per week boodschappen mee."],
        "goals": ["De woning is schoon en leefbaar.", "Er is elke dag een warme maaltijd."],
        "lid": ["Bestelt de boodschappen online op maandag."],
        "netwerk": ["Doet eens per week de boodschappen mee."],
        "professional": ["Aanvraag hulp bij het huishouden (Wmo) in behandeling nemen.", "Maaltijdservice regelen."],
    },
    "sociaal-netwerk": {
        "situation": ["Heeft weinig contacten sinds de verhuizing.", "Het netwerk is klein en overbelast."],
        "strengths": ["Heeft een goede band met één buurvrouw.", "Is sociaal en maakt makkelijk contact."],
        "concerns": ["De vereenzaming neemt toe."],
        "own": ["De kerkgemeenschap biedt bezoekjes aan."],
        "goals": [
            "Heeft minstens twee mensen om op terug te vallen.",
            "Heeft wekelijks contact met anderen buiten het gezin.",
        ],
        "lid": ["Gaat naar de koffieochtend in het buurthuis."],
        "netwerk": ["Komt elke woensdag op de koffie."],
        "professional": [
            "Netwerkberaad organiseren met familie en buren.",
            "Koppelen aan een maatje via het maatjesproject.",
        ],
    },
    "maatschappelijke-participatie": {
        "situation": ["Neemt niet deel aan activiteiten in de buurt.", "De kinderen doen niet mee aan sport of clubs."],
        "strengths": ["De kinderen willen graag op voetbal."],
        "concerns": ["Het gezin raakt geïsoleerd."],
        "own": ["De trainer van de voetbalclub kent het gezin."],
        "goals": [
            "De kinderen doen mee aan een sport- of cultuuractiviteit.",
            "Neemt minstens één keer per week deel aan een activiteit in de buurt.",
        ],
        "lid": ["Meldt de kinderen aan bij de voetbalclub."],
        "netwerk": ["Neemt de kinderen mee naar de training."],
        "professional": ["Aanvraag voor het kindpakket van de gemeente indienen."],
    },
    "justitie": {
        "situation": ["Heeft een taakstraf lopen.", "Is bekend bij de politie vanwege overlast."],
        "strengths": ["Houdt zich aan de afspraken met de reclassering."],
        "concerns": ["Risico op nieuwe overlastmeldingen."],
        "own": ["Vader houdt contact met de wijkagent."],
        "goals": [
            "Er zijn geen nieuwe politiecontacten en de taakstraf is afgerond.",
            "Houdt zich aan alle afspraken met de reclassering.",
        ],
        "lid": ["Maakt de taakstraf af volgens planning."],
        "netwerk": ["Gaat mee naar de afspraken bij de reclassering."],
        "professional": ["Afstemmen met reclassering en wijkagent."],
    },
}
DOMAIN_NAMES = {
    "financien": "financiën",
    "werk-opleiding": "werk en opleiding",
    "tijdsbesteding": "tijdsbesteding",
    "huisvesting": "huisvesting",
    "huiselijke-relaties": "huiselijke relaties",
    "geestelijke-gezondheid": "geestelijke gezondheid",
    "lichamelijke-gezondheid": "lichamelijke gezondheid",
    "middelengebruik": "middelengebruik",
    "basale-adl": "persoonlijke verzorging",
    "instrumentele-adl": "het huishouden",
    "sociaal-netwerk": "het sociaal netwerk",
    "maatschappelijke-participatie": "meedoen in de buurt",
    "justitie": "justitie",
}
DOMAIN_CODES = list(DOMAIN_TEXT)
# Base weights of domains in a trajectory [assumption], adjusted per household below.
DOMAIN_WEIGHTS = {
    "financien": 10,
    "werk-opleiding": 4,
    "tijdsbesteding": 3,
    "huisvesting": 5,
    "huiselijke-relaties": 6,
    "geestelijke-gezondheid": 8,
    "lichamelijke-gezondheid": 5,
    "middelengebruik": 3,
    "basale-adl": 2,
    "instrumentele-adl": 3,
    "sociaal-netwerk": 6,
    "maatschappelijke-participatie": 3,
    "justitie": 1,
}
DOMAIN_WEIGHTS_ELDERLY = dict(
    DOMAIN_WEIGHTS,
    **{
        "werk-opleiding": 0,
        "huiselijke-relaties": 2,
        "justitie": 0,
        "middelengebruik": 1,
        "lichamelijke-gezondheid": 10,
        "basale-adl": 8,
        "instrumentele-adl": 10,
        "sociaal-netwerk": 10,
    },
)
DOMAIN_WEIGHTS_FAMILY = dict(
    DOMAIN_WEIGHTS,
    **{"huiselijke-relaties": 14, "financien": 12, "maatschappelijke-participatie": 5, "basale-adl": 0},
)
DOMAIN_ORG_KIND = {
    "financien": K.DEBT,
    "werk-opleiding": K.MUNICIPALITY,
    "tijdsbesteding": K.WELFARE,
    "huisvesting": K.WELFARE,
    "huiselijke-relaties": K.YOUTH_CARE,
    "geestelijke-gezondheid": K.MENTAL_HEALTH,
    "lichamelijke-gezondheid": K.MEE,
    "middelengebruik": K.MENTAL_HEALTH,
    "basale-adl": K.MEE,
    "instrumentele-adl": K.MUNICIPALITY,
    "sociaal-netwerk": K.WELFARE,
    "maatschappelijke-participatie": K.WELFARE,
    "justitie": K.WELFARE,
}

S_ = Signal.Source
# Signal-source mix [assumption, DOMAIN.md §7.3 "assumed mix"]: weight, channels with weights, reporters.
SIGNAL_SOURCES: list[tuple[str, int]] = [
    (S_.RESIDENT, 28),
    (S_.GP, 16),
    (S_.JGZ, 7),
    (S_.SCHOOL, 9),
    (S_.POLICE, 8),
    (S_.WELFARE, 10),
    (S_.HOUSING, 7),
    (S_.VEILIG_THUIS, 5),
    (S_.NETWORK, 8),
    (S_.OTHER, 2),
]
_PRO_CHANNELS = [("partner", 55), ("telefoon", 30), ("mail", 15)]
SIGNAL_CHANNELS: dict[str, list[tuple[str, int]]] = {
    S_.RESIDENT: [("telefoon", 45), ("balie", 15), ("formulier", 30), ("mail", 10)],
    S_.NETWORK: [("telefoon", 70), ("formulier", 20), ("balie", 10)],
    S_.POLICE: [("partner", 50), ("telefoon", 50)],
    S_.WELFARE: [("partner", 50), ("outreachend", 30), ("telefoon", 20)],
    S_.OTHER: [("telefoon", 40), ("mail", 30), ("outreachend", 30)],
}
SIGNAL_TEXTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    S_.RESIDENT: [
        (
            "Inwoner belt: het lukt niet meer om de administratie bij te houden, de post blijft liggen.",
            ("financien", "instrumentele-adl"),
        ),
        (
            "Mevrouw vraagt hulp bij het huishouden na een heupoperatie.",
            ("instrumentele-adl", "lichamelijke-gezondheid"),
        ),
        (
            "Meneer zoekt dagbesteding; voelt zich eenzaam sinds het overlijden van zijn vrouw.",
            ("tijdsbesteding", "sociaal-netwerk"),
        ),
        ("Moeder vraagt ondersteuning bij de opvoeding van haar zoon, die vaak boos is.", ("huiselijke-relaties",)),
        ("Inwoner vraagt naar de mogelijkheden voor een traplift.", ("lichamelijke-gezondheid", "basale-adl")),
    ],
    S_.GP: [
        (
            "Huisarts meldt zorgen over geheugenproblemen; de mantelzorger is overbelast.",
            ("huiselijke-relaties", "instrumentele-adl"),
        ),
        (
            "Huisarts verwijst: somberheidsklachten in combinatie met betalingsachterstanden.",
            ("geestelijke-gezondheid", "financien"),
        ),
        (
            "Praktijkondersteuner ziet dat de patiënt zichzelf verwaarloost en controles mist.",
            ("lichamelijke-gezondheid", "basale-adl"),
        ),
    ],
    S_.JGZ: [
        (
            "JGZ signaleert een ontwikkelingsachterstand bij de peuter en veel stress bij de ouders.",
            ("huiselijke-relaties", "geestelijke-gezondheid"),
        ),
        (
            "Jeugdverpleegkundige maakt zich zorgen over de thuissituatie na de geboorte van het tweede kind.",
            ("huiselijke-relaties", "huisvesting"),
        ),
    ],
    S_.SCHOOL: [
        ("Mentor meldt oplopend verzuim en zorgen over de thuissituatie.", ("werk-opleiding", "huiselijke-relaties")),
        (
            "Intern begeleider: kind komt regelmatig zonder ontbijt en vermoeid naar school.",
            ("huiselijke-relaties", "financien"),
        ),
    ],
    S_.POLICE: [
        ("Wijkagent meldt herhaalde burenoverlast en verward gedrag.", ("geestelijke-gezondheid", "huisvesting")),
        (
            "Politie meldt een huiselijke ruzie zonder strafbare feiten; zorgen om de kinderen.",
            ("huiselijke-relaties",),
        ),
        ("Wijkagent meldt een jongere die betrokken is bij overlast in de wijk.", ("justitie", "tijdsbesteding")),
    ],
    S_.WELFARE: [
        ("Buurtwerker ziet vereenzaming en vervuiling van de woning.", ("sociaal-netwerk", "instrumentele-adl")),
        ("Formulierenhulp ziet een stapeling van schulden die buiten hun mogelijkheden valt.", ("financien",)),
    ],
    S_.HOUSING: [
        (
            "Woningcorporatie meldt een huurachterstand van drie maanden; ontruiming dreigt.",
            ("huisvesting", "financien"),
        ),
        ("Huismeester meldt ernstige vervuiling en stankoverlast.", ("instrumentele-adl", "huisvesting")),
    ],
    S_.VEILIG_THUIS: [
        (
            "Veilig Thuis draagt over na onderzoek: hulp in vrijwillig kader is nodig.",
            ("huiselijke-relaties", "geestelijke-gezondheid"),
        ),
    ],
    S_.NETWORK: [
        ("Dochter meldt dat haar vader zichzelf niet meer goed kan verzorgen.", ("basale-adl", "instrumentele-adl")),
        (
            "Buurvrouw maakt zich zorgen: mevrouw komt de deur niet meer uit.",
            ("sociaal-netwerk", "geestelijke-gezondheid"),
        ),
    ],
    S_.OTHER: [
        ("Melding via de inloop in de bibliotheek: vragen over toeslagen en schulden.", ("financien",)),
        (
            "Werkgever meldt langdurig verzuim en zorgen over de thuissituatie.",
            ("werk-opleiding", "geestelijke-gezondheid"),
        ),
    ],
}
SIGNAL_REPORTERS: dict[str, list[str]] = {
    S_.GP: ["Huisartsenpraktijk De Linde", "Gezondheidscentrum Waardhof", "Huisartsenpraktijk Molenkade"],
    S_.JGZ: ["JGZ Waardland, consultatiebureau", "JGZ Waardland, jeugdverpleegkundige"],
    S_.SCHOOL: ["OBS De Zeilboot, intern begeleider", "Waardcollege, mentor", "CBS De Lindeboom, leerkracht"],
    S_.POLICE: ["Wijkagent basisteam Waardland"],
    S_.WELFARE: ["Stichting Welzijn Lindenwaard, buurtwerker", "Stichting Welzijn Lindenwaard, formulierenhulp"],
    S_.HOUSING: ["Woonstichting Lindewaard, huismeester", "Woonstichting Lindewaard, incasso"],
    S_.VEILIG_THUIS: ["Veilig Thuis Waardland"],
    S_.OTHER: ["Bibliotheek Lindenhoeve, inloop", "Werkgever, afdeling HR"],
}
NETWORK_RELATIONS = [("dochter", True), ("zoon", False), ("buurvrouw", True), ("broer", False), ("zus", True)]
REFERRALS = [
    "Stichting Welzijn Lindenwaard – formulierenhulp",
    "Maatjesproject Samen Verder",
    "Mantelzorgsteunpunt Waardland",
    "Buurthuis De Kade – inloopspreekuur",
    "Opvoedsteunpunt JGZ Waardland",
    "Vrijwillige thuisadministratie",
    "Dagbesteding De Ontmoeting (algemene voorziening)",
    "Sociaal raadslieden Waardland",
]
ADVICE_NOTES = [
    "Informatie gegeven over toeslagen en de voorzieningenwijzer.",
    "Uitleg gegeven over hulp bij het huishouden en de eigen bijdrage.",
    "Advies: eerst contact met de huisarts; inwoner belt terug als het niet lukt.",
    "Gewezen op de ondersteuning voor mantelzorgers.",
    "Informatie gegeven over schuldhulp en het inloopspreekuur.",
]
REFERRAL_NOTES = ["Enkelvoudige vraag; past bij de algemene voorziening.", "Inwoner kan met lichte steun verder.", ""]
INTAKE_NOTES = [
    "Meervoudige vraag; intake ingepland.",
    "Regie nodig: meerdere leefgebieden en hulpverleners.",
    "Zorgen over de veiligheid van de kinderen; intake met voorrang.",
    "Vraag past niet in het voorliggend veld; keukentafelgesprek gepland.",
]
CLOSURE_REASONS = [
    (Trajectory.ClosureReason.GOALS_MET, 35),
    (Trajectory.ClosureReason.SELF_RELIANT, 25),
    (Trajectory.ClosureReason.REFERRED, 20),
    (Trajectory.ClosureReason.MOVED, 8),
    (Trajectory.ClosureReason.DECLINED, 8),
    (Trajectory.ClosureReason.OTHER, 4),
]
CLOSURE_NOTES = {
    Trajectory.ClosureReason.OTHER: "Huishouden wordt verder ondersteund vanuit een regionaal traject.",
    Trajectory.ClosureReason.REFERRED: "Overgedragen aan de jeugdhulpaanbieder; warme overdracht gedaan.",
}
PLAN_GOES_WELL = [
    "Het gezin is gemotiveerd en krijgt steun van de grootouders.",
    "Mevrouw houdt de woning zelf bij en heeft goed contact met de buren.",
    "De kinderen gaan graag naar school.",
    "Meneer neemt zelf initiatief en komt afspraken na.",
]
PLAN_WISHES = [
    "Weer rust in huis en overzicht over de financiën.",
    "Zo lang mogelijk zelfstandig thuis blijven wonen.",
    "Dat de kinderen veilig en gezond opgroeien.",
    "Weer meedoen en werk vinden.",
]
REVIEW_SUMMARIES = [
    "Voortgang besproken met het huishouden; afspraken bijgesteld.",
    "Een deel van de doelen is bereikt; het plan loopt door.",
    "Situatie is stabiel; volgende bespreking ingepland.",
    "Nieuwe zorgen besproken; het netwerk wordt meer betrokken.",
]
GOAL_REVIEW_NOTES = {
    "bereikt": ["Doel is bereikt en stabiel.", ""],
    "deels": ["Gaat de goede kant op, nog niet stabiel.", ""],
    "niet": ["Nog geen verbetering; aanpak aangepast.", ""],
}
CONTACT_NOTES = {
    "huisbezoek": [
        "Huisbezoek afgelegd; besproken hoe het de afgelopen weken ging.",
        "Huisbezoek samen met de betrokken hulpverlener; afspraken doorgenomen.",
        "Keukentafelgesprek voortgezet; wensen van het huishouden genoteerd.",
    ],
    "telefoon": [
        "Telefonisch contact; afspraak voor volgende week bevestigd.",
        "Teruggebeld over de aanvraag; uitleg gegeven over de procedure.",
        "Telefonisch overleg met de huisarts, met toestemming van de cliënt.",
    ],
    "kantoor": ["Gesprek op kantoor over de voortgang van het plan.", "Samen formulieren ingevuld op kantoor."],
    "video": ["Beeldbelafspraak met cliënt en dochter over de planning."],
    "mail": [
        "Bericht ontvangen met een vraag over de aanvraag; beantwoord.",
        "Afsprakenoverzicht per e-mail gestuurd.",
    ],
}
CONTACT_CHANNELS = [("huisbezoek", 30), ("telefoon", 35), ("kantoor", 15), ("video", 5), ("mail", 15)]
PLAIN_NOTES = [
    "Casus besproken in het teamoverleg (MDO).",
    "Verslag van het netwerkberaad toegevoegd.",
    "Afgestemd met school over de aanpak.",
    "Aanvraag doorgezet; wachten op reactie.",
    "Afspraak verzet op verzoek van de cliënt.",
    "Signaal van de woningcorporatie ontvangen en besproken met de cliënt.",
]
NETWORK_HELPERS = [
    "zus", "broer", "buurman", "buurvrouw", "oma", "opa", "tante", "vriendin", "vriend", "schoonzoon",
]  # fmt: skip
OVERDUE_ACTIONS = [
    "Terugbellen over de aanvraag hulp bij het huishouden.",
    "Verslag keukentafelgesprek naar het huishouden sturen.",
    "Overleg met de schuldhulpverlener inplannen.",
]

# Names for people born before 1965: the Faker nl_NL lists are today's baby names.
OLDER_MALE = [
    "Johannes", "Cornelis", "Hendrik", "Jan", "Pieter", "Willem", "Gerrit", "Jacobus", "Adrianus", "Theodorus",
    "Wilhelmus", "Petrus", "Antonius", "Gerardus", "Dirk", "Klaas", "Kees", "Henk", "Joop", "Bert", "Ton", "Wim",
    "Harm", "Geert", "Frans",
]  # fmt: skip
OLDER_FEMALE = [
    "Johanna", "Maria", "Cornelia", "Hendrika", "Wilhelmina", "Geertruida", "Elisabeth", "Catharina", "Adriana",
    "Anna", "Aaltje", "Grietje", "Jannie", "Riet", "Truus", "Ans", "Joke", "Greet", "Tiny", "Bep", "Mien", "Gerda",
    "Ineke", "Marja", "Annie",
]  # fmt: skip
PREFIXES = {"van", "de", "van der", "van den", "van de", "ter", "ten", "te", "in 't", "van 't", "op den", "den", "'t"}
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"  # F, I, O, Q, U and Y are not used in Dutch postcodes
POSTCODE_PAIRS = [a + b for a in POSTCODE_LETTERS for b in POSTCODE_LETTERS if a + b not in {"SA", "SD", "SS"}]
PREFIX_SHARE = 0.25  # [assumption] share of surnames with a voorvoegsel


def _surname_pools() -> tuple[list[str], list[tuple[str, str]]]:
    """Plain and prefixed Dutch surnames from Faker's nl_NL list, without its medieval and noble names."""
    plain: list[str] = []
    prefixed: list[tuple[str, str]] = []
    for name in dict.fromkeys(DutchNames.last_names):
        if any(ch in name for ch in ",'-") or not name[:1].isalpha():
            continue
        parts = name.split(" ")
        if len(parts) == 1 and name[0].isupper():
            plain.append(name)
            continue
        prefix, base = " ".join(parts[:-1]), parts[-1]
        if prefix in PREFIXES and base[:1].isupper():
            prefixed.append((prefix, base))
    return plain, prefixed


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum()).lower()


@cache
def _day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _choice_weighted(rng: random.Random, items: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in items)
    point = rng.random() * total
    for item, weight in items:
        point -= weight
        if point < 0:
            return item
    return items[-1][0]


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit and k < 12:
        k += 1
        p *= rng.random()
    return k


# --------------------------------------------------------------------------------------------------
# Tables: name -> (model, fields in row order). Tables with "id" first get ids from the generator.
# --------------------------------------------------------------------------------------------------

TABLES: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "municipality": (Municipality, ("id", "code", "name")),
    "area": (Area, ("id", "municipality_id", "name")),
    "organisation": (Organisation, ("id", "name", "kind", "cao", "municipality_id")),
    "team": (Team, ("id", "name", "area_id")),
    "user": (
        User,
        (
            "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "role", "organisation_id", "team_id", "municipality_id",
            "job_title",
        ),
    ),
    "household": (
        Household,
        ("id", "municipality_id", "area_id", "name", "postcode", "huisnummer", "straat", "woonplaats", "created_at"),
    ),
    "person": (
        Person,
        (
            "id", "bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "telefoon", "email",
            "postcode", "huisnummer", "straat", "woonplaats",
        ),
    ),
    "membership": (Membership, ("id", "person_id", "household_id", "role", "start_date", "end_date")),
    "trajectory": (
        Trajectory,
        ("id", "household_id", "team_id", "status", "started_on", "closed_on", "closure_reason", "closure_note"),
    ),
    "regisseur": (RegisseurAssignment, ("id", "trajectory_id", "professional_id", "start_date", "end_date")),
    "involvement": (
        Involvement,
        ("id", "trajectory_id", "professional_id", "organisation_id", "role", "start_date", "end_date"),
    ),
    "signal": (
        Signal,
        (
            "id", "municipality_id", "area_id", "team_id", "source", "channel", "received_on", "urgency", "reporter",
            "description", "main_person_id", "registered_by_id", "registered_at", "status", "outcome", "triage_note",
            "referred_to", "triaged_on", "triaged_by_id", "trajectory_id",
        ),
    ),
    "signal_person": (Signal.persons.through, ("signal_id", "person_id")),
    "signal_domain": (Signal.life_domains.through, ("signal_id", "lifedomain_id")),
    "exploration": (Exploration, ("id", "trajectory_id", "held_on", "participants", "summary", "recorded_by_id")),
    "finding": (
        DomainFinding,
        ("id", "exploration_id", "domain_id", "situation", "strengths", "concerns", "own_capacity"),
    ),
    "plan": (
        Plan,
        (
            "id", "trajectory_id", "household_id", "version", "status", "what_goes_well", "household_wishes",
            "agreed_on", "agreed_how", "review_interval_weeks", "next_review_on", "revision",
        ),
    ),
    "goal": (Goal, ("id", "plan_id", "domain_id", "result", "due_on", "status", "position")),
    "action": (
        Action,
        (
            "id", "goal_id", "description", "party", "member_id", "network_name", "professional_id", "due_on",
            "status", "done_on",
        ),
    ),
    "review": (Review, ("id", "plan_id", "held_on", "summary", "next_review_on", "recorded_by_id")),
    "goal_review": (GoalReview, ("id", "review_id", "goal_id", "outcome", "note")),
    "score": (
        SelfRelianceScore,
        ("id", "trajectory_id", "domain_id", "level_id", "scored_on", "exploration_id", "review_id"),
    ),
    "note": (Note, ("id", "trajectory_id", "author_id", "kind", "channel", "happened_on", "text", "created_at")),
}  # fmt: skip
ID_TABLES = [name for name, (_model, fields) in TABLES.items() if fields[0] == "id"]


@dataclass(frozen=True)
class Reference:
    """Ids of the reference rows the migrations load (life domains by code, self-reliance levels by level)."""

    domain_ids: Mapping[str, int]
    level_ids: Mapping[int, int]

    @classmethod
    def assumed(cls) -> Reference:
        """Ids as the migration creates them in an empty database (for the pure generator in tests)."""
        return cls({code: i for i, code in enumerate(DOMAIN_CODES, start=1)}, {lv: lv for lv in range(1, 6)})

    @classmethod
    def from_db(cls) -> Reference:
        return cls(
            dict(LifeDomain.objects.values_list("code", "id")),
            dict(SelfRelianceLevel.objects.values_list("level", "id")),
        )


# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------

SINGLE, COUPLE, FAMILY, SINGLE_PARENT, OTHER = range(5)
# Relative chance of trajectories per household type [assumption]: families and single parents more.
TRAJECTORY_WEIGHT = (0.9, 0.6, 1.3, 1.6, 0.8)


class _Person:
    __slots__ = ("id", "first", "voornamen", "prefix", "surname", "birth", "female", "home", "adult_contact")

    def __init__(self, pid: int, first: str, voornamen: str, prefix: str, surname: str, birth: int, female: bool):
        self.id, self.first, self.voornamen, self.prefix, self.surname = pid, first, voornamen, prefix, surname
        self.birth, self.female = birth, female
        self.home: _Household | None = None
        self.adult_contact = False

    def formal(self) -> str:
        """ "mevrouw De Vries" / "meneer Van der Berg"."""
        family = f"{self.prefix} {self.surname}" if self.prefix else self.surname
        return ("mevrouw " if self.female else "meneer ") + family[0].upper() + family[1:]

    def full_name(self) -> str:
        return " ".join(p for p in (self.first, self.prefix, self.surname) if p)


class _Member:
    __slots__ = ("person", "role", "start", "end")

    def __init__(self, person: _Person, role: str, start: int, end: int | None):
        self.person, self.role, self.start, self.end = person, role, start, end


class _Area:
    __slots__ = ("id", "name", "weight", "digits", "municipality", "teams", "streets", "numbers")

    def __init__(self, aid: int, name: str, weight: float, digits: str, municipality: tuple[int, str]):
        self.id, self.name, self.weight, self.digits, self.municipality = aid, name, weight, digits, municipality
        self.teams: list[_Team] = []
        self.streets: list[str] = []
        self.numbers: list[int] = []


class _Team:
    __slots__ = ("id", "name", "area", "lead", "professionals", "members", "is_demo")

    def __init__(self, tid: int, name: str, area: _Area, is_demo: bool):
        self.id, self.name, self.area, self.is_demo = tid, name, area, is_demo
        self.lead = 0
        self.professionals: list[int] = []
        self.members: list[int] = []


class _Household:
    __slots__ = ("id", "area", "team", "since", "kind", "members", "address")

    def __init__(self, hid: int, area: _Area, team: _Team, since: int, kind: int, address: tuple[str, str, str]):
        self.id, self.area, self.team, self.since, self.kind, self.address = hid, area, team, since, kind, address
        self.members: list[_Member] = []

    def members_on(self, day: int) -> list[_Member]:
        return [m for m in self.members if m.start <= day and (m.end is None or m.end >= day)]


class _Generator:
    def __init__(
        self,
        profile: SizeProfile,
        seed: int,
        today: dt.date,
        now: dt.datetime,
        password_hash: str,
        reference: Reference,
        offsets: Mapping[str, int],
        taken_usernames: frozenset[str],
    ) -> None:
        self.p = profile
        self.rng = random.Random(seed)
        self.faker = Faker("nl_NL")
        self.faker.seed_instance(seed)
        self.today = today.toordinal()
        self.horizon_start = self.today - int(profile.horizon_years * 365.25)
        self.now = now
        self.password_hash = password_hash
        self.domain_ids = reference.domain_ids
        self.level_ids = reference.level_ids
        self.next_ids = {name: offsets.get(name, 1) for name in ID_TABLES}
        self.usernames = set(taken_usernames)
        self.bsns = iter_test_bsns()
        self.plain_surnames, self.prefixed_surnames = _surname_pools()
        self.male_names = list(dict.fromkeys(DutchNames.first_names_male))
        self.female_names = list(dict.fromkeys(DutchNames.first_names_female))
        self.user_names: dict[int, str] = {}
        self.user_org: dict[int, tuple[int, str]] = {}  # user id -> (organisation id, kind)
        self.partner_pool: dict[tuple[int, str], list[int]] = {}  # (municipality id, org kind) -> seconded users
        self.demo: dict[str, int] = {}
        self.quota = Counter[str]()
        self.rows: Batch = {}
        mix = profile.household_mix
        mean_weight = sum(w * t for w, t in zip(mix, TRAJECTORY_WEIGHT, strict=True))
        self.trajectory_rate = profile.trajectories / profile.households / mean_weight
        intake = profile.trajectories * 1.04
        self.closed_signal_rate = max(0.0, profile.signals - intake - profile.new_signals) / profile.households
        self.new_signal_rate = profile.new_signals / profile.households
        self.first_ids = dict(self.next_ids)
        self.households_done = 0

    # ---- helpers -----------------------------------------------------------------------------------------

    def _id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def _add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    def _new_batch(self) -> None:
        self.rows = {name: [] for name in TABLES}

    def _username(self, first: str, last: str) -> str:
        base = f"{_ascii(first)}.{_ascii(last)}"
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def _first_name(self, female: bool, birth_year: int) -> str:
        rng = self.rng
        if birth_year < 1965 and rng.random() < 0.7:
            return rng.choice(OLDER_FEMALE if female else OLDER_MALE)
        return rng.choice(self.female_names if female else self.male_names)

    def _surname(self) -> tuple[str, str]:
        if self.rng.random() < PREFIX_SHARE:
            return self.rng.choice(self.prefixed_surnames)
        return "", self.rng.choice(self.plain_surnames)

    # ---- accounts ------------------------------------------------------------------------------------------

    def accounts(self) -> Batch:
        self._new_batch()
        rng, p = self.rng, self.p
        joined = self.now
        municipality_ids: dict[str, int] = {}
        municipality_names: dict[int, str] = {}
        self.areas: list[_Area] = []
        self.municipality_weights: list[tuple[list[_Area], float]] = []
        self.teams: list[_Team] = []
        for code, name, weight, areas in MUNICIPALITIES:
            mid = self._id("municipality")
            municipality_ids[code] = mid
            municipality_names[mid] = name
            self._add("municipality", (mid, code, name))
            own: list[_Area] = []
            for area_name, area_weight, digits, team_names in areas:
                aid = self._id("area")
                self._add("area", (aid, mid, area_name))
                area = _Area(aid, area_name, area_weight, digits, (mid, name))
                names = list(team_names)
                extra = len(team_names) * (p.teams_per_area_factor - 1)
                names += [f"Team {area_name} {n}" for n in range(len(team_names) + 1, len(team_names) + 1 + extra)]
                for team_name in names:
                    tid = self._id("team")
                    self._add("team", (tid, team_name, aid))
                    team = _Team(tid, team_name, area, team_name == DEMO_TEAM)
                    area.teams.append(team)
                    self.teams.append(team)
                own.append(area)
                self.areas.append(area)
            self.municipality_weights.append((own, weight))
        orgs: dict[str, tuple[int, str]] = {}
        municipal_org: dict[int, int] = {}
        partner_org: dict[str, int] = {}
        for org_name, org_kind, cao, mcode in ORGANISATIONS:
            oid = self._id("organisation")
            mid_or_none = municipality_ids[mcode] if mcode else None
            self._add("organisation", (oid, org_name, str(org_kind), cao, mid_or_none))
            orgs[org_name] = (oid, str(org_kind))
            if mid_or_none is not None:
                municipal_org[mid_or_none] = oid
            else:
                partner_org[str(org_kind)] = oid

        def add_user(
            username: str, role: str, first: str, last: str, org_id: int, kind: str, team: _Team | None,
            mid: int, title: str,
        ) -> int:  # fmt: skip
            uid = self._id("user")
            domain = ORG_DOMAIN[K(kind)] if kind != K.MUNICIPALITY else f"{municipality_names[mid].lower()}.example"
            email = f"{username}@{domain}"
            self._add(
                "user",
                (uid, self.password_hash, None, False, username, first, last, email, False, True, joined, role, org_id,
                 team.id if team else None, mid, title),
            )  # fmt: skip
            self.user_names[uid] = f"{first} {last}"
            self.user_org[uid] = (org_id, kind)
            if team is not None:
                team.members.append(uid)
            return uid

        demo_team = next(t for t in self.teams if t.is_demo)
        lindenhoeve = demo_team.area.municipality[0]
        teams_by_name = {t.name: t for t in self.teams if t.area.municipality[0] == lindenhoeve}
        for username, role, first, last, org_name, team_name, title in _DEMO_USERS:
            self.usernames.add(username)
            oid, kind = orgs[org_name]
            user_team = teams_by_name[team_name] if team_name else None
            uid = add_user(username, str(role), first, last, oid, kind, user_team, lindenhoeve, title)
            self.demo[username] = uid
        demo_team.lead = self.demo["teamleider"]
        demo_team.professionals += [self.demo["professional"], self.demo["partner"]]
        self.partner_pool.setdefault((lindenhoeve, str(K.YOUTH_CARE)), []).append(self.demo["partner"])

        def generated(role: str, kind: str, org_id: int, team: _Team | None, mid: int, title: str) -> int:
            female = rng.random() < 0.7  # [assumption] the social domain workforce is mostly female
            first = rng.choice(self.female_names if female else self.male_names)
            prefix, surname = self._surname()
            last = f"{prefix} {surname}" if prefix else surname
            return add_user(self._username(first, last), role, first, last, org_id, kind, team, mid, title)

        rotation = 0
        for team in self.teams:
            mid = team.area.municipality[0]
            if not team.lead:
                team.lead = generated(str(R.TEAM_LEAD), str(K.MUNICIPALITY), municipal_org[mid], team, mid,
                                      "Teamleider wijkteam")  # fmt: skip
            for i in range(p.professionals_per_team - len(team.professionals)):
                if i % 5 in (0, 2, 4):  # [assumption] ~60% municipal staff, ~40% seconded from partners
                    kind, oid = str(K.MUNICIPALITY), municipal_org[mid]
                else:
                    kind = str(SECONDED_KINDS[rotation % len(SECONDED_KINDS)])
                    oid = partner_org[kind]
                    rotation += 1
                title = rng.choice(JOB_TITLES[K(kind)])
                uid = generated(str(R.PROFESSIONAL), kind, oid, team, mid, title)
                team.professionals.append(uid)
                self.partner_pool.setdefault((mid, kind), []).append(uid)
        for code, mid in municipality_ids.items():
            if code != "9901":
                generated(str(R.MANAGER), str(K.MUNICIPALITY), municipal_org[mid], None, mid, "Manager sociaal domein")
        self.demo_team = demo_team
        # Streets per area, from Faker nl_NL; about 120 addresses per street.
        for area in self.areas:
            share = area.weight * next(w for areas, w in self.municipality_weights if area in areas)
            count = max(6, int(p.households * share / 120) + 2)
            street_names: set[str] = set()
            while len(street_names) < count:
                street_names.add(self.faker.street_name())
            area.streets = sorted(street_names)
            area.numbers = [0] * count
        return self.rows

    # ---- households and persons ------------------------------------------------------------------------------

    def _pick_area_team(self) -> tuple[_Area, _Team]:
        rng = self.rng
        if self.p.demo_team_share is not None and rng.random() < self.p.demo_team_share:
            return self.demo_team.area, self.demo_team
        areas = _choice_weighted(rng, self.municipality_weights)
        area = _choice_weighted(rng, [(a, a.weight) for a in areas])
        return area, rng.choice(area.teams)

    def _address(self, area: _Area) -> tuple[str, str, str]:
        rng = self.rng
        index = rng.randrange(len(area.streets))
        area.numbers[index] += rng.choice((1, 1, 2, 2, 3))
        number = area.numbers[index]
        postcode = area.digits + POSTCODE_PAIRS[(index * 7 + number // 40) % len(POSTCODE_PAIRS)]
        suffix = rng.choice(("A", "B", "-1", "-2")) if rng.random() < 0.08 else ""
        return postcode, f"{number}{suffix}", area.streets[index]

    def _person(self, age_days: int, female: bool | None = None, surname: tuple[str, str] | None = None) -> _Person:
        rng = self.rng
        if female is None:
            female = rng.random() < 0.5
        birth = self.today - age_days
        year = _day(birth).year
        first = self._first_name(female, year)
        voornamen = first
        if rng.random() < 0.3:
            second = self._first_name(female, year)
            if second != first:
                voornamen = f"{first} {second}"
        prefix, name = surname if surname is not None else self._surname()
        return _Person(self._id("person"), first, voornamen, prefix, name, birth, female)

    def _age(self, low: int, high: int) -> int:
        return int((low + self.rng.random() * (high - low)) * 365.25)

    def _household(self, area: _Area, team: _Team, since: int, kind: int) -> _Household:
        return _Household(self._id("household"), area, team, since, kind, self._address(area))

    def _emit_household(self, hh: _Household) -> None:
        first_adult = hh.members[0].person
        family = f"{first_adult.prefix} {first_adult.surname}" if first_adult.prefix else first_adult.surname
        postcode, number, street = hh.address
        self._add(
            "household",
            (hh.id, hh.area.municipality[0], hh.area.id, f"Huishouden {family[0].upper()}{family[1:]}", postcode,
             number, street, hh.area.municipality[1], self.now),
        )  # fmt: skip
        for m in hh.members:
            self._add("membership", (self._id("membership"), m.person.id, hh.id, m.role, _day(m.start),
                                     _day(m.end) if m.end is not None else None))  # fmt: skip

    def _emit_person(self, person: _Person) -> None:
        rng = self.rng
        hh = person.home
        if hh is None:  # every generated person is placed in a household before being written
            raise RuntimeError(f"seed_demo: persoon {person.id} heeft geen huishouden.")
        postcode, number, street = hh.address
        adult = self.today - person.birth >= 18 * 365.25
        phone = email = ""
        if adult and rng.random() < 0.75:
            phone = f"06-00{rng.randrange(1_000_000):06d}"  # [assumption] the 06-00 block is not issued
        if adult and self.today - person.birth < 75 * 365.25 and rng.random() < 0.45:
            email = (
                f"{_ascii(person.first)}.{_ascii(person.prefix + person.surname)}{rng.randrange(10, 99)}@mail.example"
            )
        self._add(
            "person",
            (person.id, next(self.bsns, None), person.voornamen, person.prefix, person.surname, _day(person.birth),
             phone, email, postcode, number, street, hh.area.municipality[1]),
        )  # fmt: skip

    def _since(self, adults: list[_Person], children: list[_Person]) -> int:
        """The day the household took its present form: after every adult turned 19, by the eldest child's birth."""
        earliest = max(a.birth for a in adults) + int(19 * 365.25)
        latest = self.today - 400
        if children:
            latest = min(latest, min(c.birth for c in children))
        if latest <= earliest:
            return max(earliest, min(latest, self.today - 30))
        back = int(self.rng.random() ** 0.7 * (latest - earliest))
        return latest - back

    def _group(self, budget: int) -> list[_Household]:
        """One household, sometimes with the households that split off from it (separation, a child leaving)."""
        rng, today = self.rng, self.today
        mix = self.p.household_mix
        kind = _choice_weighted(rng, list(enumerate(mix)))
        area, team = self._pick_area_team()
        adults: list[_Person] = []
        children: list[_Person] = []
        roles: list[str] = []
        if kind == SINGLE:
            elderly = rng.random() < 0.45  # Wmo clients skew old [assumption]
            adults.append(self._person(self._age(66, 95) if elderly else self._age(19, 66)))
            roles.append(Membership.Role.OTHER)
        elif kind == COUPLE:
            age = self._age(67, 92) if rng.random() < 0.35 else self._age(21, 66)
            female = rng.random() < 0.5
            adults.append(self._person(age, female))
            adults.append(self._person(max(int(19 * 365.25), age + self._age(-5, 5)), not female))
            roles += [Membership.Role.PARTNER, Membership.Role.PARTNER]
        elif kind in (FAMILY, SINGLE_PARENT):
            n_children = _choice_weighted(rng, [(1, 35), (2, 40), (3, 18), (4, 7)])
            eldest = self._age(0, 18)
            if rng.random() < 0.12:  # an adult child still or recently at home
                eldest = self._age(19, 25)
            parent_age = eldest + self._age(21, 38)
            female = kind == FAMILY and rng.random() < 0.5 or kind == SINGLE_PARENT and rng.random() < 0.85
            adults.append(self._person(parent_age, female))
            roles.append(Membership.Role.PARENT)
            if kind == FAMILY:
                adults.append(self._person(max(eldest + int(20 * 365.25), parent_age + self._age(-4, 4)), not female))
                roles.append(Membership.Role.PARENT)
            family_name = (adults[0].prefix, adults[0].surname)
            age = eldest
            for _ in range(n_children):
                children.append(self._person(age, surname=family_name))
                age -= self._age(1, 4)
                if age < 30:  # the younger siblings of a baby: not all born today, at least a month old
                    age = 30 + int(rng.random() * 300)
            roles += [Membership.Role.CHILD] * len(children)
        else:
            adults.append(self._person(self._age(70, 92)))
            adults.append(self._person(self._age(40, 60), surname=(adults[0].prefix, adults[0].surname)))
            roles += [Membership.Role.OTHER, Membership.Role.OTHER]
        since = self._since(adults, children)
        hh = self._household(area, team, since, kind)
        for person, role in zip(adults + children, roles, strict=True):
            hh.members.append(_Member(person, role, max(since, person.birth), None))
            person.home = hh
        group = [hh]
        # Moves within the municipality: an ended membership followed (the next day) by a new one, never overlapping.
        window_start = max(since + 365, self.horizon_start - 3 * 365)
        if budget > 1 and kind in (COUPLE, FAMILY) and rng.random() < 0.22 and window_start < today - 60:
            move = rng.randrange(window_start, today - 60)
            leaver = adults[1] if kind == COUPLE else adults[rng.randrange(2)]
            new_area, new_team = self._pick_area_team_near(area)
            taken = [c for c in children if c.birth < move and move - c.birth < 18 * 365.25 and rng.random() < 0.4]
            new_kind = SINGLE_PARENT if taken else SINGLE
            split = self._household(new_area, new_team, move, new_kind)
            for m in hh.members:
                if m.person is leaver or m.person in taken:
                    m.end = move - 1
                    role = Membership.Role.PARENT if taken else Membership.Role.OTHER
                    split.members.append(_Member(m.person, role if m.person is leaver else Membership.Role.CHILD, move,
                                                 None))  # fmt: skip
                    m.person.home = split
            split.members.sort(key=lambda m: m.role != Membership.Role.PARENT and m.role != Membership.Role.OTHER)
            group.append(split)
        for child in children:
            if child.home is not hh or today - child.birth < 19 * 365.25 or rng.random() > 0.5:
                continue
            member = next(m for m in hh.members if m.person is child)
            move = rng.randrange(max(member.start, child.birth + int(18 * 365.25)) + 1, today - 30)
            member.end = move - 1
            if rng.random() < 0.15 or len(group) >= budget:  # moved out of the municipality
                continue
            new_area, new_team = self._pick_area_team_near(area)
            own = self._household(new_area, new_team, move, SINGLE)
            own.members.append(_Member(child, Membership.Role.OTHER, move, None))
            child.home = own
            group.append(own)
        for household in group:
            self._emit_household(household)
        for person in adults + children:
            self._emit_person(person)
        return group

    def _pick_area_team_near(self, area: _Area) -> tuple[_Area, _Team]:
        """Most moves stay in the same municipality [assumption]."""
        if self.rng.random() < 0.5:
            return area, self.rng.choice(area.teams)
        return self._pick_area_team()

    # ---- trajectories -----------------------------------------------------------------------------------------

    def _layout(self, count: int, start: int) -> list[tuple[int, int | None]]:
        """Non-overlapping (start, end) spans for ``count`` trajectories from ``start``; the last may be open."""
        rng, today = self.rng, self.today
        if count == 0 or start > today - 5:
            return []
        spans: list[tuple[int, int | None]] = []
        limit = today
        open_start = None
        if rng.random() < self.p.open_share:
            age = int(min(max(rng.lognormvariate(math.log(240), 0.8), 3), 1100))  # median 8 months [assumption]
            open_start = max(today - age, start)
            count -= 1
            limit = open_start - 14
        if count > 0 and limit - start >= 45:
            segment = (limit - start) / count
            for i in range(count):
                s0, s1 = start + int(i * segment), start + int((i + 1) * segment) - 1
                if s1 - s0 < 30:
                    continue
                begin = s0 + rng.randrange(max(1, int((s1 - s0) * 0.4)))
                length = int(min(max(rng.lognormvariate(math.log(170), 0.6), 21), s1 - begin))  # median ~6 months
                spans.append((begin, begin + length))
        if open_start is not None:
            spans.append((open_start, None))
        return spans

    def _domains(self, hh: _Household, day: int) -> list[str]:
        rng = self.rng
        members = hh.members_on(day) or hh.members
        oldest = min(m.person.birth for m in members)
        if any(day - m.person.birth < 18 * 365.25 for m in members):
            weights = DOMAIN_WEIGHTS_FAMILY
        elif day - oldest > 70 * 365.25:
            weights = DOMAIN_WEIGHTS_ELDERLY
        else:
            weights = DOMAIN_WEIGHTS
        pool = [(code, w) for code, w in weights.items() if w > 0]
        chosen: list[str] = []
        for _ in range(_choice_weighted(rng, [(2, 40), (3, 40), (4, 20)])):
            code = _choice_weighted(rng, pool)
            chosen.append(code)
            pool = [(c, w) for c, w in pool if c != code]
        return chosen

    def _steer(self, table: str, target: int) -> float:
        """Factor that steers a rate towards its target: expected rows so far / rows made so far.

        Some trajectories and signals do not fit in a household's time window; this makes up for them
        without a fudge factor per size (and stays deterministic: it only looks back)."""
        done = self.households_done
        if done < 20:
            return 1.0
        expected = done / self.p.households * target
        made = self.next_ids[table] - self.first_ids[table]
        return min(1.6, max(0.6, expected / max(1, made)))

    def _household_trajectories(self, hh: _Household) -> None:
        lam = self.trajectory_rate * TRAJECTORY_WEIGHT[hh.kind] * self._steer("trajectory", self.p.trajectories)
        count = _poisson(self.rng, lam)
        start = max(self.horizon_start, hh.since + 30)
        for begin, end in self._layout(count, start):
            self._trajectory(hh, begin, end)

    def _pick_regisseurs(self, team: _Team, start: int, end: int | None) -> list[tuple[int, int, int | None]]:
        rng = self.rng
        professional = self.demo["professional"]
        pool = team.professionals if rng.random() > 0.05 else [team.lead]
        if end is None and team.is_demo:
            pool = [u for u in team.professionals if u != professional] or team.professionals
        current = rng.choice(pool)
        if end is None and team.is_demo and self.quota["caseload"] < self.p.demo_caseload:
            current = professional
        stop = end if end is not None else self.today
        if stop - start > 60 and rng.random() < 0.12 and len(team.members) > 1:  # a handover [assumption]
            handover = start + rng.randrange(30, stop - start - 14)
            previous = rng.choice([u for u in team.professionals + [team.lead] if u != current])
            return [(previous, start, handover - 1), (current, handover, end)]
        return [(current, start, end)]

    def _trajectory(self, hh: _Household, start: int, end: int | None) -> None:
        rng, today = self.rng, self.today
        tid = self._id("trajectory")
        team = hh.team
        is_open = end is None
        last_day = end if end is not None else today
        domains = self._domains(hh, start)
        reason = ""
        if is_open:
            self._add("trajectory", (tid, hh.id, team.id, "open", _day(start), None, "", ""))
        else:
            reason = _choice_weighted(rng, CLOSURE_REASONS)
            self._add("trajectory", (tid, hh.id, team.id, "gesloten", _day(start), _day(last_day), str(reason),
                                     CLOSURE_NOTES.get(reason, "")))  # fmt: skip
        assignments = self._pick_regisseurs(team, start, end)
        current = assignments[-1][0]
        if is_open and team.is_demo and current == self.demo["professional"]:
            self.quota["caseload"] += 1
        involved: list[tuple[int, int, int | None]] = []  # (user, start, end) of everyone involved
        for uid, s, e in assignments:
            self._add("regisseur", (self._id("regisseur"), tid, uid, _day(s), _day(e) if e is not None else None))
            org_id, _kind = self.user_org[uid]
            self._add("involvement", (self._id("involvement"), tid, uid, org_id, "Regisseur", _day(s),
                                      _day(e) if e is not None else None))  # fmt: skip
            involved.append((uid, s, e))
        has_children = any(last_day - m.person.birth < 18 * 365.25 for m in hh.members_on(start))
        self._partner_involvements(tid, hh, team, start, end, domains, has_children, involved)
        self._intake_signals(tid, hh, start, last_day, domains, assignments)
        exploration = self._exploration(tid, hh, start, last_day, domains, assignments)
        if exploration is not None:
            self._plans(tid, hh, start, end, last_day, domains, assignments, involved, exploration, reason)
        self._notes(tid, start, last_day, assignments, involved)

    def _partner_involvements(
        self, tid: int, hh: _Household, team: _Team, start: int, end: int | None, domains: list[str],
        has_children: bool, involved: list[tuple[int, int, int | None]],
    ) -> None:  # fmt: skip
        rng, today = self.rng, self.today
        last_day = end if end is not None else today
        mid = hh.area.municipality[0]
        active = {uid for uid, _s, _e in involved}  # nobody is involved twice in one trajectory
        wanted: list[tuple[int, str]] = []
        count = _choice_weighted(rng, [(0, 45), (1, 35), (2, 15), (3, 5)])
        for code in domains[:count]:
            kind = str(DOMAIN_ORG_KIND[code])
            if kind == K.YOUTH_CARE and not has_children:
                kind = str(K.WELFARE)
            pool = self.partner_pool.get((mid, kind), [])
            if pool:
                wanted.append((rng.choice(pool), rng.choice(INVOLVEMENT_ROLES[K(kind)])))
        if end is None and team.is_demo:
            partner, professional = self.demo["partner"], self.demo["professional"]
            if self.quota["partner"] < self.p.demo_partner_involvements and partner not in active and has_children:
                wanted.insert(0, (partner, "Ambulant jeugdhulpverlener"))
            if self.quota["prof_inv"] < self.p.demo_professional_involvements and professional not in active:
                wanted.insert(0, (professional, "Wmo-consulent"))
        for uid, role in wanted:
            if uid in active or last_day - start < 10:
                continue
            active.add(uid)
            if end is None and team.is_demo and uid == self.demo["partner"]:
                self.quota["partner"] += 1
            elif end is None and team.is_demo and uid == self.demo["professional"]:
                self.quota["prof_inv"] += 1
            s = start + rng.randrange(3, max(4, min(60, last_day - start)))
            e: int | None = end
            forced = uid in (self.demo["partner"], self.demo["professional"])
            if not forced and rng.random() < 0.3 and last_day - s > 20:  # involvement ended earlier
                e = s + rng.randrange(14, last_day - s)
            self._add("involvement", (self._id("involvement"), tid, uid, self.user_org[uid][0], role, _day(s),
                                      _day(e) if e is not None else None))  # fmt: skip
            involved.append((uid, s, e))

    @staticmethod
    def _at(assignments: list[tuple[int, int, int | None]], day: int) -> int:
        for uid, s, e in assignments:
            if s <= day and (e is None or day <= e):
                return uid
        return assignments[-1][0]

    # ---- signals -------------------------------------------------------------------------------------------------

    def _signal(
        self, hh: _Household, received: int, domains: Sequence[str] | None, status: str, outcome: str,
        triaged: int | None, trajectory_id: int | None, triaged_by: int | None,
    ) -> bool:  # fmt: skip
        rng = self.rng
        members = hh.members_on(received)
        if not members:
            return False
        children = [m.person for m in members if received - m.person.birth < 18 * 365.25]
        adults = [m.person for m in members if received - m.person.birth >= 18 * 365.25] or [members[0].person]
        source = _choice_weighted(rng, SIGNAL_SOURCES)
        if source in (S_.JGZ, S_.SCHOOL) and not children:
            source = S_.GP
        text, text_domains = rng.choice(SIGNAL_TEXTS[source])
        channel = _choice_weighted(rng, SIGNAL_CHANNELS.get(source, _PRO_CHANNELS))
        if source in (S_.POLICE, S_.VEILIG_THUIS):
            urgency = _choice_weighted(rng, [("normaal", 55), ("hoog", 33), ("crisis", 12)])
        else:
            urgency = _choice_weighted(rng, [("normaal", 85), ("hoog", 12), ("crisis", 3)])
        subject = adults[0]
        if source == S_.RESIDENT:
            reporter = subject.full_name()
        elif source == S_.NETWORK:
            relation, female = rng.choice(NETWORK_RELATIONS)
            reporter = f"{relation} {rng.choice(self.female_names if female else self.male_names)}"
        else:
            reporter = rng.choice(SIGNAL_REPORTERS[source])
        team = hh.team
        registered_by = rng.choice(team.members)
        sid = self._id("signal")
        note = referred = ""
        if outcome == Signal.Outcome.ADVICE:
            note = rng.choice(ADVICE_NOTES)
        elif outcome == Signal.Outcome.COMMUNITY:
            referred, note = rng.choice(REFERRALS), rng.choice(REFERRAL_NOTES)
        elif outcome == Signal.Outcome.INTAKE:
            note = rng.choice(INTAKE_NOTES)
        self._add(
            "signal",
            (sid, hh.area.municipality[0], hh.area.id, team.id, str(source), channel, _day(received), urgency,
             reporter, text, subject.id, registered_by, self.now, status, outcome, note, referred,
             _day(triaged) if triaged is not None else None, triaged_by, trajectory_id),
        )  # fmt: skip
        persons = [subject] + (
            [rng.choice(children)] if children and (source in (S_.JGZ, S_.SCHOOL) or rng.random() < 0.3) else []
        )
        for person in persons:
            self._add("signal_person", (sid, person.id))
        codes = list(dict.fromkeys([*(domains or ())[:2], *text_domains]))[: rng.randint(1, 3)]
        for code in codes:
            self._add("signal_domain", (sid, self.domain_ids[code]))
        return True

    def _intake_signals(
        self, tid: int, hh: _Household, start: int, last_day: int, domains: list[str],
        assignments: list[tuple[int, int, int | None]],
    ) -> None:  # fmt: skip
        rng = self.rng
        received = max(hh.since, start - rng.randrange(0, 22))
        triaged_by = hh.team.lead if rng.random() < 0.5 else assignments[0][0]
        self._signal(hh, received, domains, "getriageerd", "intake", start, tid, triaged_by)
        if last_day - start > 60 and rng.random() < 0.04:  # a repeat signal joins the open trajectory
            day = start + rng.randrange(30, last_day - start)
            self._signal(hh, day, domains, "getriageerd", "intake", min(self.today, day + rng.randrange(0, 8)), tid,
                         self._at(assignments, day))  # fmt: skip

    def _household_signals(self, hh: _Household) -> None:
        rng, today = self.rng, self.today
        first = max(self.horizon_start, hh.since)
        if first < today - 21:
            for _ in range(_poisson(rng, self.closed_signal_rate * self._steer("signal", self.p.signals))):
                received = rng.randrange(first, today - 21)
                outcome = "advies" if rng.random() < 0.45 else "voorliggend"
                triaged = min(today, received + rng.randrange(0, 11))
                self._signal(hh, received, None, "getriageerd", outcome, triaged, None, rng.choice(hh.team.members))
        forced = hh.team.is_demo and self.quota["queue"] < max(3, self.p.new_signals // 10)
        wanted = forced or rng.random() < self.new_signal_rate
        if wanted and self._signal(hh, today - rng.randrange(0, 21), None, "nieuw", "", None, None, None) and forced:
            self.quota["queue"] += 1

    # ---- exploration and plans ------------------------------------------------------------------------------------

    def _level(self) -> int:
        return _choice_weighted(self.rng, [(1, 8), (2, 45), (3, 37), (4, 10)])  # mostly 2-3 (§7.3) [assumption]

    def _exploration(
        self, tid: int, hh: _Household, start: int, last_day: int, domains: list[str],
        assignments: list[tuple[int, int, int | None]],
    ) -> tuple[int, dict[str, int]] | None:  # fmt: skip
        rng = self.rng
        if last_day - start < 7:
            return None
        held = start + rng.randrange(3, min(22, last_day - start))
        recorder = self._at(assignments, held)
        eid = self._id("exploration")
        people = [m.person for m in hh.members_on(held) if held - m.person.birth >= 16 * 365.25][:2]
        participants = ", ".join([p.formal() for p in people] + [f"{self.user_names[recorder]} (regisseur)"])
        wish = rng.choice(PLAN_WISHES)
        topics = ", ".join(DOMAIN_NAMES[c] for c in domains)
        summary = f"Hulpvraag rond {topics}. Het huishouden wil: {wish[0].lower()}{wish[1:]}"
        self._add("exploration", (eid, tid, _day(held), participants, summary, recorder))
        scores: dict[str, int] = {}
        for code in domains:
            text = DOMAIN_TEXT[code]
            self._add(
                "finding",
                (self._id("finding"), eid, self.domain_ids[code], rng.choice(text["situation"]),
                 rng.choice(text["strengths"]), rng.choice(text["concerns"]), rng.choice(text["own"])),
            )  # fmt: skip
            if rng.random() < 0.85:  # not every relevant domain is scored
                level = self._level()
                scores[code] = level
                self._add("score", (self._id("score"), tid, self.domain_ids[code], self.level_ids[level], _day(held),
                                    eid, None))  # fmt: skip
        return held, scores

    def _new_goals(
        self, plan_id: int, created: int, codes: list[str], position: int, hh: _Household,
        professionals: list[int], extra_share: float = 0.0,
    ) -> list[list[Any]]:  # fmt: skip
        rng = self.rng
        goals: list[list[Any]] = []
        results: list[tuple[str, str]] = []
        for code in codes:
            texts = DOMAIN_TEXT[code]["goals"]
            first = rng.choice(texts)
            results.append((code, first))
            if len(texts) > 1 and rng.random() < extra_share:
                results.append((code, rng.choice([t for t in texts if t != first])))
        for code, result in results:
            position += 1
            gid = self._id("goal")
            goal: list[Any] = [gid, plan_id, code, result, created + rng.randrange(56, 280), "open", position, []]
            for _ in range(_choice_weighted(rng, self.p.actions_per_goal)):
                goal[7].append(self._new_action(gid, code, created, goal[4], hh, professionals))
            goals.append(goal)
        return goals

    def _new_action(
        self, goal_id: int, code: str, created: int, goal_due: int, hh: _Household, professionals: list[int]
    ) -> list[Any]:
        rng = self.rng
        party = _choice_weighted(rng, [("lid", 35), ("netwerk", 20), ("professional", 45)])
        member = network = professional = None
        if party == "lid":
            adults = [m.person for m in hh.members_on(created) if created - m.person.birth >= 12 * 365.25]
            if adults:
                member = rng.choice(adults).id
            else:
                party = "professional"
        if party == "netwerk":
            female = rng.random() < 0.6
            helper = rng.choice(NETWORK_HELPERS).capitalize()
            network = f"{helper} {rng.choice(self.female_names if female else self.male_names)}"
        if party == "professional":
            professional = rng.choice(professionals)
        due = created + rng.randrange(7, max(8, min(120, goal_due - created)))
        return [self._id("action"), goal_id, rng.choice(DOMAIN_TEXT[code][party]), party, member, network or "",
                professional, due, "open", None]  # fmt: skip

    def _settle(self, goals: list[list[Any]], plan_start: int, end_day: int, kind: str) -> None:
        """Set the action statuses as they stand when a version ends (kind: superseded, active or closed)."""
        rng = self.rng
        for goal in goals:
            for action in goal[7]:
                if action[8] != "open":
                    continue
                due = action[7]
                if due <= end_day:
                    r = rng.random()
                    if r < 0.80:
                        action[8] = "gedaan"
                        action[9] = min(end_day, max(plan_start, due - rng.randrange(0, 15)))
                    elif r < 0.86:
                        action[8] = "vervallen"
                    # else it stays open: overdue in an active plan
                elif kind == "closed":
                    action[8] = "vervallen"

    def _copy_goals(self, plan_id: int, goals: list[list[Any]]) -> list[list[Any]]:
        copies: list[list[Any]] = []
        for position, goal in enumerate((g for g in goals if g[5] == "open"), start=1):
            gid = self._id("goal")
            actions = [[self._id("action"), gid, *a[2:8], "open", None] for a in goal[7] if a[8] == "open"]
            copies.append([gid, plan_id, goal[2], goal[3], goal[4], "open", position, actions])
        return copies

    def _plans(
        self, tid: int, hh: _Household, start: int, end: int | None, last_day: int, domains: list[str],
        assignments: list[tuple[int, int, int | None]], involved: list[tuple[int, int, int | None]],
        exploration: tuple[int, dict[str, int]], reason: str,
    ) -> None:  # fmt: skip
        rng, today = self.rng, self.today
        is_open = end is None
        held, scores = exploration
        if not is_open and (last_day - held < 45 or rng.random() > self.p.plan_share):
            return
        professionals = list(dict.fromkeys(uid for uid, _s, _e in involved))
        demo_professional = self.demo["professional"]
        created = held + rng.randrange(1, 8)
        if created >= last_day:
            return
        interval = rng.choice((6, 8, 12, 12, 12, 16, 26))
        goes_well, wishes = rng.choice(PLAN_GOES_WELL), rng.choice(PLAN_WISHES)
        overdue = is_open and (
            rng.random() < 0.12 or (self._at(assignments, today) == demo_professional and self.quota["late_review"] < 2)
        )
        version = 1
        plan_id = self._id("plan")
        goals = self._new_goals(plan_id, created, domains, 0, hh, professionals, self.p.extra_goal_share)
        agreed = created + rng.randrange(7, 29)
        while True:
            if agreed >= last_day:  # still a draft when the trajectory closed or today
                if is_open:
                    self._emit_plan(plan_id, tid, hh, version, "concept", goes_well, wishes, None, interval, None,
                                    goals, 0)  # fmt: skip
                else:
                    self._settle(goals, created, last_day, "closed")
                    self._emit_plan(plan_id, tid, hh, version, "gesloten", goes_well, wishes, None, interval, None,
                                    goals, 0)  # fmt: skip
                return
            limit = last_day
            shift = rng.randrange(5, 60) if overdue else 0
            if overdue:
                limit = today - shift
            due = agreed + interval * 7
            new_version_on = None
            reviews = 0
            while due <= limit:
                review_on = max(agreed + 1, due - rng.randrange(0, 7))
                next_due = review_on + interval * 7
                self._review(plan_id, tid, goals, review_on, next_due, self._at(assignments, review_on), scores)
                reviews += 1
                due = next_due
                if version < 4 and rng.random() < 0.3 and any(g[5] == "open" for g in goals):
                    candidate = review_on + rng.randrange(7, 22)
                    if candidate < limit:
                        new_version_on = candidate
                        break
            how = _choice_weighted(rng, [("ondertekend", 40), ("mondeling", 35), ("digitaal", 25)])
            if new_version_on is not None:
                self._settle(goals, agreed, new_version_on, "superseded")
                self._emit_plan(plan_id, tid, hh, version, "vervangen", goes_well, wishes, (agreed, how), interval,
                                None, goals, reviews)  # fmt: skip
                version += 1
                plan_id = self._id("plan")
                copies = self._copy_goals(plan_id, goals)
                extra = [c for c in domains if c not in {g[2] for g in copies}][:1] if rng.random() < 0.3 else []
                goals = copies + self._new_goals(plan_id, new_version_on, extra, len(copies), hh, professionals)
                agreed = new_version_on
                continue
            if not is_open:
                self._settle(goals, agreed, last_day, "closed")
                self._close_goals(goals, reason)
                self._emit_plan(plan_id, tid, hh, version, "gesloten", goes_well, wishes, (agreed, how), interval,
                                None, goals, reviews)  # fmt: skip
                return
            next_review = due
            if overdue and next_review >= today:
                next_review = limit + rng.randrange(1, max(2, shift))
                # The plan's date follows from its history, as the services keep it and as the steering
                # summary reads it: the last review set it, else the agreed day plus the interval.
                if reviews:
                    last = self.rows["review"][-1]
                    self.rows["review"][-1] = (*last[:4], _day(next_review), *last[5:])
                else:
                    interval = max(1, (next_review - agreed) // 7)
                    next_review = agreed + interval * 7
            if overdue and next_review < today and self._at(assignments, today) == demo_professional:
                self.quota["late_review"] += 1
            self._settle(goals, agreed, today, "active")
            demo_late = self._at(assignments, today) == demo_professional and self.quota["late_action"] < 3
            if demo_late and goals and agreed < today - 5:
                first_open = next((g for g in goals if g[5] == "open"), goals[0])
                first_open[7].append([self._id("action"), first_open[0], rng.choice(OVERDUE_ACTIONS), "professional",
                                      None, "", demo_professional, max(agreed + 1, today - rng.randrange(3, 30)),
                                      "open", None])  # fmt: skip
                self.quota["late_action"] += 1
            self._emit_plan(plan_id, tid, hh, version, "akkoord", goes_well, wishes, (agreed, how), interval,
                            next_review, goals, reviews)  # fmt: skip
            if rng.random() < 0.08 and version < 5:  # a new version in the making
                draft_id = self._id("plan")
                draft_goals = self._copy_goals(draft_id, goals)
                if draft_goals:
                    self._emit_plan(draft_id, tid, hh, version + 1, "concept", goes_well, wishes, None, interval,
                                    None, draft_goals, 0)  # fmt: skip
            return

    def _close_goals(self, goals: list[list[Any]], reason: str) -> None:
        """Open goals at closure: achieved or dropped, depending on why the trajectory closed [assumption]."""
        shares = {str(Trajectory.ClosureReason.GOALS_MET): 0.85, str(Trajectory.ClosureReason.SELF_RELIANT): 0.6}
        achieved = shares.get(reason, 0.25)
        for goal in goals:
            if goal[5] == "open":
                goal[5] = str(Goal.Status.ACHIEVED if self.rng.random() < achieved else Goal.Status.DROPPED)

    def _review(
        self, plan_id: int, tid: int, goals: list[list[Any]], held: int, next_due: int, recorder: int,
        scores: dict[str, int],
    ) -> None:  # fmt: skip
        rng = self.rng
        rid = self._id("review")
        self._add("review", (rid, plan_id, _day(held), rng.choice(REVIEW_SUMMARIES), _day(next_due), recorder))
        for goal in goals:
            if goal[5] != "open":
                continue
            outcome = _choice_weighted(rng, [("bereikt", 30), ("deels", 45), ("niet", 25)])
            if outcome == "bereikt":
                goal[5] = "bereikt"
            self._add("goal_review", (self._id("goal_review"), rid, goal[0], outcome,
                                      rng.choice(GOAL_REVIEW_NOTES[outcome])))  # fmt: skip
        for code, level in scores.items():
            if rng.random() < 0.5:  # re-scored; about half move up (§7.3: +0.5-1 level in ~half) [assumption]
                level = max(1, min(5, level + _choice_weighted(rng, [(1, 50), (0, 40), (-1, 10)])))
                scores[code] = level
                self._add("score", (self._id("score"), tid, self.domain_ids[code], self.level_ids[level], _day(held),
                                    None, rid))  # fmt: skip

    def _emit_plan(
        self, plan_id: int, tid: int, hh: _Household, version: int, status: str, goes_well: str, wishes: str,
        agreed: tuple[int, str] | None, interval: int, next_review: int | None, goals: list[list[Any]],
        reviews: int,
    ) -> None:  # fmt: skip
        revision = len(goals) + sum(len(g[7]) for g in goals) + reviews + (1 if agreed else 0)
        self._add(
            "plan",
            (plan_id, tid, hh.id, version, status, goes_well, wishes, _day(agreed[0]) if agreed else None,
             agreed[1] if agreed else "", interval, _day(next_review) if next_review is not None else None, revision),
        )  # fmt: skip
        for goal in goals:
            gid, _plan, code, result, due, goal_status, position, actions = goal
            self._add("goal", (gid, plan_id, self.domain_ids[code], result, _day(due), goal_status, position))
            for a in actions:
                self._add("action", (a[0], gid, a[2], a[3], a[4], a[5], a[6], _day(a[7]), a[8],
                                     _day(a[9]) if a[9] is not None else None))  # fmt: skip

    # ---- notes --------------------------------------------------------------------------------------------------

    def _notes(
        self, tid: int, start: int, last_day: int, assignments: list[tuple[int, int, int | None]],
        involved: list[tuple[int, int, int | None]],
    ) -> None:  # fmt: skip
        rng = self.rng
        span = last_day - start
        count = max(1, int(1 + self.p.notes_per_month * span / 30.4 + rng.uniform(-1.5, 1.5)))
        days = sorted(start + rng.randrange(span + 1) for _ in range(count))
        add, now = self.rows["note"].append, self.now
        for day in days:
            author = self._at(assignments, day)
            if rng.random() < 0.2:
                others = [u for u, s, e in involved if s <= day and (e is None or day <= e) and u != author]
                if others:
                    author = rng.choice(others)
            if rng.random() < 0.6:
                channel = _choice_weighted(rng, CONTACT_CHANNELS)
                add((self._id("note"), tid, author, "contact", channel, _day(day), rng.choice(CONTACT_NOTES[channel]),
                     now))  # fmt: skip
            else:
                add((self._id("note"), tid, author, "notitie", "", _day(day), rng.choice(PLAIN_NOTES), now))

    # ---- driver ----------------------------------------------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        yield self.accounts()
        remaining = self.p.households
        while remaining > 0:
            self._new_batch()
            made = 0
            target = min(self.p.chunk_households, remaining)
            while made < target:
                group = self._group(target - made)
                made += len(group)
                for hh in group:
                    self._household_trajectories(hh)
                    self._household_signals(hh)
                    self.households_done += 1
            remaining -= made
            yield self.rows


def generate(
    *,
    size: str,
    seed: int,
    today: dt.date,
    now: dt.datetime | None = None,
    password_hash: str = UNUSABLE_PASSWORD_PREFIX,
    reference: Reference | None = None,
    offsets: Mapping[str, int] | None = None,
    taken_usernames: frozenset[str] = frozenset(),
) -> Iterator[Batch]:
    """Yield batches {table name: [row tuples]} (see TABLES for the row layout). Pure: no database access.

    Dates are laid out backwards from ``today``, so the demo always looks current; the same size, seed
    and ``today`` give the same rows."""
    if now is None:
        now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=dt.UTC)
    generator = _Generator(
        SIZES[size], seed, today, now, password_hash, reference or Reference.assumed(), offsets or {}, taken_usernames
    )
    return generator.batches()


def person_rows(*, size: str, seed: int, today: dt.date) -> list[Row]:
    """All person rows the generator would write (for determinism checks)."""
    return [row for batch in generate(size=size, seed=seed, today=today) for row in batch["person"]]


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


class SeedRefused(Exception):
    """The database is not empty enough to seed; the message is one Dutch line for stderr."""


@dataclass
class SeedResult:
    counts: dict[str, int]
    seconds: float


class _Writer:
    """COPY on PostgreSQL, bulk_create in batches elsewhere. Rows carry their ids."""

    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"
        self.counts: Counter[str] = Counter()
        self.touched: list[type[models.Model]] = []

    def write(self, batch: Batch) -> None:
        for name, rows in batch.items():
            if not rows:
                continue
            model, fields = TABLES[name]
            if self.copy:
                self._copy(model, fields, rows)
            else:
                model._default_manager.bulk_create(
                    [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2_000
                )
            self.counts[name] += len(rows)
            if model not in self.touched:
                self.touched.append(model)

    @staticmethod
    def _copy(model: type[models.Model], fields: tuple[str, ...], rows: list[Row]) -> None:
        meta = model._meta
        columns = [str(cast(models.Field, meta.get_field(name)).column) for name in fields]
        tail: list[Any] = []
        for field in meta.concrete_fields:  # columns the rows leave out get their Python default
            if field.attname in fields or field.primary_key:
                continue
            if not field.has_default() and not field.null:
                raise RuntimeError(f"seed_demo: kolom {meta.db_table}.{field.column} heeft geen waarde in de demodata.")
            columns.append(str(field.column))
            tail.append(field.get_default())
        quote = connection.ops.quote_name
        sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        extra = tuple(tail)
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            if extra:
                for row in rows:
                    write(row + extra)
            else:
                for row in rows:
                    write(row)

    def reset_sequences(self) -> None:
        if not self.copy:
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self.touched):
                cursor.execute(sql)


def _refusal() -> str | None:
    if Household.objects.exists():
        return (
            "seed_demo: de database bevat al huishoudens; demogegevens worden alleen in een lege database geladen "
            "(er is niets geschreven)."
        )
    codes = [code for code, *_rest in MUNICIPALITIES]
    if Municipality.objects.filter(code__in=codes).exists():
        return f"seed_demo: de demogemeenten ({', '.join(codes)}) bestaan al; er is niets geschreven."
    taken = list(User.objects.filter(username__in=[u[0] for u in _DEMO_USERS]).values_list("username", flat=True))
    if taken:
        return f"seed_demo: de demo-accounts bestaan al ({', '.join(sorted(taken))}); er is niets geschreven."
    if Organisation.objects.filter(name__in=[o[0] for o in ORGANISATIONS]).exists():
        return "seed_demo: de demo-organisaties bestaan al; er is niets geschreven."
    if Person.objects.filter(bsn__startswith="9999").exists():
        return "seed_demo: er staan al personen met een test-BSN (9999…) in de database; er is niets geschreven."
    return None


def seed_demo(
    *, size: str, seed: int, today: dt.date | None = None, progress: Callable[[int, int, float], None] | None = None
) -> SeedResult:
    """Write the demo setting in one transaction; raise SeedRefused (nothing written) when not empty."""
    started = time.monotonic()
    today = today or timezone.localdate()
    profile = SIZES[size]
    with transaction.atomic():
        message = _refusal()
        if message:
            raise SeedRefused(message)
        offsets = {}
        for name in ID_TABLES:
            model = TABLES[name][0]
            offsets[name] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        probe = User(username=_DEMO_USERS[0][0])
        probe.set_password(DEMO_PASSWORD)  # hashed once; every seeded account shares it (demo only)
        writer = _Writer()
        batches = generate(
            size=size,
            seed=seed,
            today=today,
            now=timezone.now(),
            password_hash=probe.password,
            reference=Reference.from_db(),
            offsets=offsets,
            taken_usernames=frozenset(User.objects.values_list("username", flat=True)),
        )
        for batch in batches:
            writer.write(batch)
            if progress is not None and writer.counts["household"]:
                progress(writer.counts["household"], profile.households, time.monotonic() - started)
        writer.reset_sequences()
        _retention_for_closed_trajectories()
        _procedures_for_demo(today)
        _portal_for_demo(today)
        _social_map_for_demo()
        _network_for_demo(probe.password)
        _steering_for_demo(today, profile.horizon_years)
    return SeedResult(counts=dict(writer.counts), seconds=time.monotonic() - started)


# fictional community services: (name, organisation, life domains, target groups, free, description, hours)
DEMO_SERVICES = [
    (
        "Formulierenspreekuur",
        "Stichting Welzijn Lindenwaard",
        ["financien"],
        ["schulden", "volwassenen"],
        True,
        "Hulp bij brieven, toeslagen en formulieren, zonder afspraak.",
        "di en do 9.30–12.00",
    ),
    (
        "Schuldhulpmaatje",
        "Stichting Samen Rond",
        ["financien"],
        ["schulden"],
        True,
        "Een getrainde vrijwilliger helpt een jaar lang met de administratie en het contact met schuldeisers.",
        "op afspraak",
    ),
    (
        "Thuisadministratie",
        "Humanitas Waardland",
        ["financien", "instrumentele-adl"],
        ["ouderen", "volwassenen"],
        True,
        "Vrijwilligers helpen thuis de administratie op orde te brengen en te houden.",
        "op afspraak",
    ),
    (
        "Koffieochtend De Brink",
        "Stichting Welzijn Lindenwaard",
        ["sociaal-netwerk", "tijdsbesteding"],
        ["ouderen"],
        True,
        "Elkaar ontmoeten in het buurthuis, met koffie en af en toe een activiteit.",
        "wo 10.00–12.00",
    ),
    (
        "Maatjesproject",
        "Stichting Welzijn Lindenwaard",
        ["sociaal-netwerk"],
        ["volwassenen", "ouderen"],
        True,
        "Een vrijwilliger als maatje voor wie eenzaam is.",
        "op afspraak",
    ),
    (
        "Opvoedspreekuur",
        "JGZ Waardland",
        ["huiselijke-relaties"],
        ["ouders", "kinderen"],
        True,
        "Vragen over opvoeden en opgroeien, bij de jeugdverpleegkundige.",
        "ma 13.00–15.00",
    ),
    (
        "Huiswerkbegeleiding",
        "Buurtwerk Lindenhoeve",
        ["werk-opleiding"],
        ["jongeren", "kinderen"],
        True,
        "Begeleiding bij huiswerk en plannen, na schooltijd in het buurthuis.",
        "ma–do 15.30–17.30",
    ),
    (
        "Jongerenwerk",
        "Buurtwerk Lindenhoeve",
        ["tijdsbesteding", "maatschappelijke-participatie"],
        ["jongeren"],
        True,
        "Inloop, activiteiten en een luisterend oor voor jongeren.",
        "wo en vr 14.00–21.00",
    ),
    (
        "Mantelzorgsteunpunt",
        "Stichting Welzijn Lindenwaard",
        ["huiselijke-relaties", "geestelijke-gezondheid"],
        ["mantelzorgers"],
        True,
        "Advies, lotgenotencontact en respijtzorg voor mantelzorgers.",
        "ma–vr 9.00–17.00",
    ),
    (
        "Taalcafé",
        "Bibliotheek Waardland",
        ["werk-opleiding", "maatschappelijke-participatie"],
        ["nieuwkomers"],
        True,
        "Nederlands oefenen in een ontspannen sfeer.",
        "za 10.00–12.00",
    ),
    (
        "Vrijwilligersvacaturebank",
        "Stichting Welzijn Lindenwaard",
        ["maatschappelijke-participatie", "tijdsbesteding"],
        ["volwassenen"],
        True,
        "Vrijwilligerswerk vinden dat past.",
        "ma–vr 9.00–12.00",
    ),
    (
        "Valpreventietraining",
        "Fysiopunt Waardland",
        ["lichamelijke-gezondheid"],
        ["ouderen"],
        False,
        "Tien lessen om vallen te voorkomen; een eigen bijdrage van € 25.",
        "di 14.00–15.00",
    ),
    (
        "Buurtsportcoach",
        "Sportbedrijf Waardland",
        ["lichamelijke-gezondheid", "tijdsbesteding"],
        ["kinderen", "volwassenen"],
        True,
        "Sporten en bewegen in de wijk, ook voor wie het lastig vindt om te beginnen.",
        "op afspraak",
    ),
    (
        "Boodschappendienst",
        "Humanitas Waardland",
        ["instrumentele-adl"],
        ["ouderen", "beperking"],
        False,
        "Vrijwilligers doen wekelijks de boodschappen; € 2 per keer.",
        "wekelijks",
    ),
    (
        "Preventief huisbezoek 75+",
        "Stichting Welzijn Lindenwaard",
        ["basale-adl", "sociaal-netwerk"],
        ["ouderen"],
        True,
        "Een ouderenadviseur komt langs om te kijken wat nodig is om thuis te blijven wonen.",
        "op afspraak",
    ),
    (
        "Inloop GGZ De Oever",
        "GGZ Waardland",
        ["geestelijke-gezondheid", "sociaal-netwerk"],
        ["volwassenen"],
        True,
        "Laagdrempelige inloop voor wie psychische klachten heeft.",
        "ma, wo, vr 10.00–16.00",
    ),
    (
        "Alcohol- en drugsvoorlichting",
        "Verslavingszorg Waardland",
        ["middelengebruik"],
        ["jongeren", "ouders"],
        True,
        "Voorlichting en een eerste gesprek, anoniem als u wilt.",
        "op afspraak",
    ),
    (
        "Woonconsulent",
        "Woonstichting De Waard",
        ["huisvesting"],
        ["volwassenen", "ouderen"],
        True,
        "Hulp bij huurachterstand, woningaanpassing en verhuizen.",
        "ma–vr 9.00–12.00",
    ),
]


def _social_map_for_demo() -> None:
    """The social map of the demo municipality: community services spread over its wijken/kernen."""
    import uuid

    from toegang.network.models import CommunityService, TargetGroup
    from toegang.plans.models import LifeDomain

    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None or CommunityService.objects.filter(municipality=municipality).exists():
        return
    areas = list(Area.objects.filter(municipality=municipality).order_by("pk"))
    domains = {d.code: d for d in LifeDomain.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    namespace = uuid.UUID("0b6f9a52-41d2-4b7e-9c1a-3a5c2f8e7d10")
    for index, (name, organisation, domain_codes, group_codes, free, description, hours) in enumerate(DEMO_SERVICES):
        service = CommunityService.objects.create(
            hsds_id=uuid.uuid5(namespace, f"service/{name}"),
            municipality=municipality,
            organization_id=uuid.uuid5(namespace, f"organisation/{organisation}"),
            organization_name=organisation,
            name=name,
            description=description,
            free=free,
            fees="" if free else description.rsplit(";", 1)[-1].strip(),
            opening_hours=hours,
            phone=f"0800-{1000 + index:04d}",
            email=f"info@{organisation.lower().replace(' ', '')[:20]}.example",
        )
        service.domains.set([domains[c] for c in domain_codes if c in domains])
        service.target_groups.set([groups[c] for c in group_codes if c in groups])
        if areas:  # every third service across the whole municipality, the others in one or two areas
            service.areas.set(areas if index % 3 == 0 else areas[index % len(areas) :: max(2, len(areas))][:2])


DEMO_REPRESENTATION_SOURCE = "Demo: synthetische vertegenwoordiging"


def _portal_for_demo(today: dt.date) -> None:
    """Residents to try the portal with (through the DigiD simulator): a parent in one of the demo
    professional's households with an agreed plan and a child under 16, with authority over that child;
    and a bewindvoerder (someone we hold no dossier of) for the person of a decision made known."""
    from toegang.plans.models import Plan
    from toegang.portal.models import Representation
    from toegang.procedures.models import Decision

    professional = User.objects.filter(username=_DEMO_USERS[0][0]).first()
    if professional is None:
        return
    young = dt.date(today.year - 15, today.month, min(today.day, 28))
    households = (
        Plan.objects.filter(status="akkoord", trajectory__regisseur_assignments__professional=professional)
        .filter(trajectory__regisseur_assignments__end_date__isnull=True)
        .values_list("household_id", flat=True)
        .order_by("household_id")
    )
    for household_id in households[:200]:
        members = list(
            Membership.objects.filter(household_id=household_id, end_date__isnull=True, person__bsn__isnull=False)
            .select_related("person")
            .order_by("person__geboortedatum", "pk")
        )
        children = [m.person for m in members if m.person.geboortedatum and m.person.geboortedatum > young]
        parents = [m.person for m in members if m.role in ("ouder", "partner") and m.person not in children]
        if children and parents:
            Representation.objects.create(
                person=children[-1],
                representative_bsn=parents[0].bsn or "",  # members with a BSN only (above)
                representative_name=parents[0].full_name,
                kind=Representation.Kind.PARENT,
                start_date=children[-1].geboortedatum or today,
                source=DEMO_REPRESENTATION_SOURCE,
                recorded_by=professional,
                recorded_at=timezone.now(),
            )
            break
    sent = (
        Decision.objects.filter(
            status="verzonden", procedure__person__geboortedatum__lt=young.replace(year=young.year - 3)
        )
        .select_related("procedure__person")
        .order_by("pk")
        .first()
    )
    taken = set(Person.objects.filter(bsn__isnull=False).values_list("bsn", flat=True)) | set(
        Representation.objects.values_list("representative_bsn", flat=True)
    )
    free = next((b for b in iter_test_bsns(BSN_TEST_RANGE_END - 5_000) if b not in taken), None)
    if sent is not None and free is not None:
        Representation.objects.create(
            person=sent.procedure.person,
            representative_bsn=free,
            representative_name="B. Bewind (demo)",
            kind=Representation.Kind.TRUSTEE,
            start_date=today - dt.timedelta(days=200),
            source=DEMO_REPRESENTATION_SOURCE,
            recorded_by=professional,
            recorded_at=timezone.now(),
        )


def demo_portal_logins() -> list[tuple[str, str]]:
    """(BSN, what you see) for logging in to the portal of the demo through the DigiD simulator."""
    from toegang.portal.models import Representation

    rows = Representation.objects.filter(source=DEMO_REPRESENTATION_SOURCE).select_related("person").order_by("pk")
    return [(r.representative_bsn, f"{r.get_kind_display().lower()} van {r.person.full_name}") for r in rows]


def _network_for_demo(password_hash: str) -> None:
    """The network around the demo municipality: services answered in Toegang by the organisations that
    work in it, the welfare organisation's partner account, and contact persons and agreements."""
    from toegang.network.demo import seed_partners
    from toegang.network.models import CommunityService

    municipality = Municipality.objects.order_by("pk").first()
    if municipality is None or User.objects.filter(username="welzijn").exists():
        return
    organisations = {o.name: o for o in Organisation.objects.filter(municipality__isnull=True)}
    for name, organisation in organisations.items():
        CommunityService.objects.filter(municipality=municipality, organization_name=name).update(
            organisation=organisation
        )
    for username, role, first, last, org_name, team_name, title in _DEMO_PARTNER_USERS:
        User.objects.create(
            username=username,
            team=Team.objects.get(name=team_name, area__municipality=municipality) if team_name else None,
            password=password_hash,
            first_name=first,
            last_name=last,
            email=f"{username}@{ORG_DOMAIN[K(organisations[org_name].kind)]}",
            role=role,
            organisation=organisations[org_name],
            municipality=municipality,
            job_title=title,
        )
    seed_partners(
        municipality=municipality,
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        areas=list(Area.objects.filter(municipality=municipality).order_by("pk")),
    )


def _steering_for_demo(today: dt.date, years: int) -> None:
    """Inhabitants per demo municipality (derived from the generated persons: fictional), a caseload
    bandwidth as the demo's agreed norm, and the summary table over the whole demo history, so the
    dashboards have figures from the first start."""
    from toegang.steering import summaries
    from toegang.steering.models import Indicator, Norm, Population

    for municipality in Municipality.objects.all():
        people = Person.objects.filter(memberships__household__municipality=municipality).distinct()
        born_after = dt.date(today.year - 18, 1, 1)
        Population.objects.update_or_create(
            municipality=municipality,
            year=today.year,
            defaults={
                "inhabitants": max(people.count(), 1),
                "under_18": people.filter(geboortedatum__gt=born_after).count(),
                "source": "Demo: afgeleid uit de gegenereerde (fictieve) personen van de gemeente",
            },
        )
        caseload = Indicator.objects.filter(code="caseload").first()
        if caseload is not None:
            Norm.objects.update_or_create(
                indicator=caseload,
                municipality=municipality,
                defaults={"low": 20, "high": 35, "note": "Demo: afgesproken bandbreedte per regisseur (fictief)"},
            )
    summaries.refresh(first=dt.date(today.year - years, 1, 1), last=today)


def _retention_for_closed_trajectories() -> None:
    """Give the closed demo trajectories their Selectielijst result and destruction date, as closing
    them through the service would: a household that declined help counts as aborted (42 days), the
    rest as a Wmo plan (15 years). One UPDATE per rule, in the database's own date arithmetic."""
    from toegang.privacy.models import RetentionRule

    rules = {r.code: r for r in RetentionRule.objects.filter(code__in=["wmo", "afgebroken"])}
    if len(rules) < 2:
        return
    table = Trajectory._meta.db_table
    for code, reasons, negate in (("afgebroken", ["afgezien"], False), ("wmo", ["afgezien"], True)):
        rule = rules[code]
        if connection.vendor == "postgresql":
            later = f"closed_on + interval '{rule.years} years' + interval '{rule.days} days'"
        else:
            later = f"date(closed_on, '+{rule.years} years', '+{rule.days} days')"
        condition = "NOT IN" if negate else "IN"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET retention_rule_id = %s, archive_action_date = {later} "  # noqa: S608 - constants
                f"WHERE status = 'gesloten' AND closure_reason {condition} (%s)",
                [rule.pk, reasons[0]],
            )


def table_label(name: str) -> str:
    """A Dutch label for a table in the summary."""
    special = {
        "signal_person": "meldingen × personen",
        "signal_domain": "meldingen × leefdomeinen",
        "finding": "bevindingen per leefdomein",
        "goal_review": "beoordelingen per doel",
        "score": "zelfredzaamheidsscores",
    }
    return special.get(name) or str(TABLES[name][0]._meta.verbose_name_plural)


DEMO_PROVIDERS = [  # fictional providers with made-up AGB codes
    ("Thuiszorg De Linde", "98000001"),
    ("Zorggroep Waardland", "98000002"),
    ("Jeugdhulp De Waardse Linde", "98000003"),
    ("Dagbesteding Het Ambacht", "98000004"),
]


def _procedures_for_demo(today: dt.date) -> None:
    """A handful of statutory procedures in the demo professional's own cases, in every stage: a Wmo
    melding whose onderzoek is overdue, a decision waiting for four-eyes approval, a decision made
    known with care in kind, a youth-care application past its term with a notice of default, and a
    decision under objection. Written directly (no audit rows), like the rest of the seed."""
    from django.conf import settings

    from toegang.procedures.models import Decision, Objection, Procedure, ProductCategory, Provider, Provision

    professional = User.objects.filter(username=_DEMO_USERS[0][0]).first()
    if professional is None or not ProductCategory.objects.exists():
        return
    providers = [
        Provider.objects.get_or_create(agb_code=agb, defaults={"name": name})[0] for name, agb in DEMO_PROVIDERS
    ]
    own = list(
        RegisseurAssignment.objects.filter(professional=professional, end_date__isnull=True, trajectory__status="open")
        .order_by("trajectory_id")
        .values_list("trajectory_id", "trajectory__household_id")[:60]
    )
    # youth care goes to households with a child; the other procedures to the others first
    adult_day = dt.date(today.year - 18, today.month, min(today.day, 28))
    with_child = set(
        Membership.objects.filter(
            household_id__in=[h for _t, h in own], end_date__isnull=True, person__geboortedatum__gt=adult_day
        ).values_list("household_id", flat=True)
    )
    children = [t for t, h in own if h in with_child]
    youth = iter(children[:2])
    # the Wmo procedures go to the other households first, then to the parents of the remaining families
    others = iter([t for t, h in own if h not in with_child] + children[2:])
    category = {(c.law, c.code): c for c in ProductCategory.objects.all()}
    days = dt.timedelta

    def person_of(trajectory_id: int, youngest: bool) -> Person:
        household_id = Trajectory.objects.filter(pk=trajectory_id).values_list("household_id", flat=True).first()
        members = Membership.objects.filter(household_id=household_id or 0, end_date__isnull=True).select_related(
            "person"
        )
        order = ("-person__geboortedatum" if youngest else "person__geboortedatum", "pk")
        # a member with a BSN first: without one the toewijzing (301) cannot be sent
        first = members.filter(person__bsn__isnull=False).order_by(*order).first() or members.order_by(*order).first()
        assert first is not None  # noqa: S101 - every demo household has members
        return first.person

    def procedure(trajectory_id: int, law: str, reported: int, applied: int | None = None, **extra: Any) -> Any:
        return Procedure.objects.create(
            trajectory_id=trajectory_id,
            person=person_of(trajectory_id, youngest=law == "jeugd"),
            law=law,
            status="aanvraag" if applied is not None else "melding",
            reported_on=today - days(reported),
            receipt_confirmed_on=today - days(reported - 1),
            application_on=today - days(applied) if applied is not None else None,
            created_by=professional,
            **extra,
        )

    def decision(proc: Any, status: str, reasoning: str, sent: int | None = None, approved: bool = True) -> Any:
        return Decision.objects.create(
            procedure=proc,
            outcome="toegekend",
            status=status,
            reasoning=reasoning,
            created_by=professional,
            approved_by=professional if approved else None,
            approved_at=timezone.now() if approved else None,
            sent_on=today - days(sent) if sent is not None else None,
        )

    # the decisions made known come first, so that even a small demo (XS) has a WMO301 and a JW301
    third = next(others, None)
    fifth = next(youth, None) or next(others, None)
    first, second = next(others, None), next(others, None)
    fourth = next(youth, None) or next(others, None)
    if first is not None:  # onderzoek overdue
        procedure(first, "wmo", reported=50)
    if second is not None:  # a home adaptation above the four-eyes amount, waiting for the team lead
        proc = procedure(second, "wmo", reported=30, applied=9, report_sent_on=today - days(12))
        d = decision(
            proc, "ter_akkoord", "Uw woning is zonder aanpassing niet veilig; een traplift is nodig.", approved=False
        )
        Provision.objects.create(
            decision=d,
            category=category[("wmo", "13")],
            product_code="13A01",
            delivery="pgb",
            budget_cents=settings.DECISION_FOUR_EYES_CENTS + 250_000,
            start_date=today,
            end_date=today + days(180),
        )
    if third is not None:  # made known: help in the household, in kind
        proc = procedure(
            third,
            "wmo",
            reported=60,
            applied=20,
            report_sent_on=today - days(25),
            decided_on=today - days(8),
            decided_outcome="toegekend",
        )
        proc.status = "besloten"
        proc.save(update_fields=["status"])
        d = decision(
            proc, "verzonden", "U kunt het huishouden niet zelf voeren en uw netwerk kan dit niet overnemen.", sent=8
        )
        Provision.objects.create(
            decision=d,
            category=category[("wmo", "01")],
            product_code="01A01",
            delivery="zin",
            provider=providers[0],
            volume=3,
            unit="04",
            frequency="2",
            start_date=today - days(7),
            end_date=today + days(358),
        )
    if fourth is not None:  # youth care past its term, with a notice of default
        procedure(fourth, "jeugd", reported=90, applied=75, notice_of_default_on=today - days(20))
    if fifth is not None:  # youth care made known and under objection
        proc = procedure(
            fifth, "jeugd", reported=80, applied=60, decided_on=today - days(30), decided_outcome="toegekend"
        )
        proc.status = "besloten"
        proc.save(update_fields=["status"])
        d = decision(proc, "verzonden", "Ambulante jeugdhulp sluit aan bij de hulpvraag van het gezin.", sent=30)
        Provision.objects.create(
            decision=d,
            category=category[("jeugd", "45")],
            product_code="45A48",
            delivery="zin",
            provider=providers[2],
            volume=2,
            unit="04",
            frequency="2",
            start_date=today - days(28),
            end_date=today + days(150),
        )
        Objection.objects.create(decision=d, received_on=today - days(10), recorded_by=professional)
    from toegang.common.errors import DomainError
    from toegang.istandaarden.services import queue_assignments

    for sent in Decision.objects.filter(status="verzonden", procedure__created_by=professional):
        # the toewijzingen of the decisions made known, waiting for `istandaarden export`; a demo person
        # without a BSN cannot be assigned (its savepoint is rolled back, the decision stays as it is)
        with contextlib.suppress(DomainError), transaction.atomic():
            queue_assignments(sent)
    _provider_messages_for_demo(today, professional)
    _escalations_for_demo(today, professional)


def _escalations_for_demo(today: dt.date, professional: User) -> None:
    """Two escalations in the demo professional's cases: one waiting for the team lead, one passed up to
    the manager and decided, with its decision in the dossier as a note. Written directly, like the seed."""
    from toegang.cases.models import Note
    from toegang.network.models import Escalation, EscalationStep
    from toegang.network.services import ladder

    lead = User.objects.filter(role="teamleider", team_id=professional.team_id or 0).first()
    manager = User.objects.filter(role="manager", municipality_id=professional.municipality_id or 0).first()
    trajectories = list(
        Trajectory.objects.filter(
            regisseur_assignments__professional=professional,
            regisseur_assignments__end_date__isnull=True,
            status="open",
        ).order_by("-pk")[:2]
    )
    if lead is None or manager is None or len(trajectories) < 2:
        return
    levels = ladder(trajectories[0].team.area.municipality_id)
    days = dt.timedelta
    waiting = Escalation.objects.create(
        trajectory=trajectories[0], raised_by=professional, raised_on=today - days(4), reason="geen_actie",
        question="De woningcorporatie reageert al zes weken niet op de vraag om een urgentieverklaring. "
        "Kan de gemeente dit opschalen?",
        deadline=today + days(5), level=levels[0], arrived_on=today - days(4),
    )  # fmt: skip
    EscalationStep.objects.create(escalation=waiting, level=levels[0], arrived_on=today - days(4))
    decided = Escalation.objects.create(
        trajectory=trajectories[1], raised_by=professional, raised_on=today - days(20), reason="buiten_regels",
        question="Mag de dagbesteding starten voordat de beschikking er is, gezien de crisis thuis?",
        deadline=today - days(10), level=levels[1], arrived_on=today - days(17), status="besloten",
        decision="Ja: start per direct, de beschikking volgt met terugwerkende kracht.", decided_by=manager,
        decided_on=today - days(15),
    )  # fmt: skip
    EscalationStep.objects.bulk_create(
        [
            EscalationStep(escalation=decided, level=levels[0], arrived_on=today - days(20), left_on=today - days(17),
                           outcome="doorgezet", text="Buiten mijn mandaat: vraagt een uitzondering.", by=lead),
            EscalationStep(escalation=decided, level=levels[1], arrived_on=today - days(17), left_on=today - days(15),
                           outcome="besluit", text=decided.decision, by=manager),
        ]
    )  # fmt: skip
    Note.objects.create(
        trajectory=trajectories[1], author=manager, happened_on=today - days(15),
        text=f"Besluit na escalatie ({levels[1].title}): {decided.decision}\nVraag was: {decided.question}",
    )  # fmt: skip


def _provider_messages_for_demo(today: dt.date, professional: User) -> None:
    """What the providers sent back, through the real import: a start and a claim for the help in the
    household, a request for change of it and a request for assignment of day care (both waiting in the
    work queue). The answers (306, 325, 316, 318) wait for `istandaarden export` with the 301s."""
    from toegang.istandaarden import inbound, provider
    from toegang.procedures.models import Provision

    assigned = (
        Provision.objects.filter(
            decision__procedure__created_by=professional,
            decision__status="verzonden",
            decision__procedure__law="wmo",
            delivery="zin",
            decision__procedure__person__bsn__isnull=False,
        )
        .select_related(
            "provider",
            "category",
            "decision__procedure__person",
            "decision__procedure__trajectory__household__municipality",
        )
        .first()
    )
    if assigned is None or assigned.provider is None:
        return
    person = assigned.decision.procedure.person
    client = provider.Client(person.bsn or "", person.geboortedatum or dt.date(1950, 1, 1), person.geslachtsnaam)
    agb = assigned.provider.agb_code
    gemeente = assigned.decision.procedure.trajectory.household.municipality.code
    begin = assigned.start_date
    month_end = (begin.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    last = min(month_end, today - dt.timedelta(days=1))
    common: dict[str, Any] = {"agb": agb, "municipality": gemeente, "on": today}
    documents = [
        provider.start_or_stop(
            "WMO", stop=False, identification="DEMO305", client=client, assignment=assigned.pk,
            category=assigned.category.code, code=assigned.product_code, assigned_from=begin, begin=begin, **common,
        ),
        provider.claim(
            "WMO", identification="DEMO323", number=f"D{begin:%Y%m}", period=(begin.replace(day=1), month_end),
            lines=[
                provider.Line(
                    person.bsn or "", f"DEMO{begin:%Y%m}", assigned.pk, assigned.category.code, assigned.product_code,
                    begin, last, 3, assigned.unit, 3 * 3_550, rate_cents=3_550,
                )
            ],
            **common,
        ),
        provider.request_for_change(
            "WMO", identification="DEMO317", bsn=person.bsn or "", reference="DEMO-VOW-1", reason="1",
            changes=[provider.Change(assigned.pk, today + dt.timedelta(days=7), end=assigned.end_date, volume=5,
                                     unit=assigned.unit, frequency=assigned.frequency)],
            **common,
        ),
        provider.request_for_assignment(
            "WMO", identification="DEMO315", client=client,
            products=[provider.Requested("DEMO-VOT-1", "07", today + dt.timedelta(days=14),
                                         end=today + dt.timedelta(days=200),
                                         volume=2, unit="16", frequency="2")],
            **common,
        ),
    ]  # fmt: skip
    for number, document in enumerate(documents):
        inbound.import_document(document, name=f"demo-{number}.xml", out=None)
