"""What a decision project starts from: the criteria and alternatives of the Delft and Deventer templates
(DOMAIN.md §4.7 and issue 8), the business-case facts with their sources (§4.3-4.5), the CAOs and pension funds,
the default escalation ladder (§4.6) and the scales participants answer on. Everything here is copied into the
project's rows when it is created and is editable there."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from toegang.governance.models import DecisionProject, LegalForm


@dataclass(frozen=True)
class CriterionTemplate:
    name: str
    description: str
    direction: str = "max"
    is_cost: bool = False


@dataclass(frozen=True)
class AlternativeTemplate:
    name: str
    legal_form: str
    steers_how: bool
    description: str = ""


@dataclass(frozen=True)
class ProjectTemplate:
    code: str
    weighting: str
    aggregation: str
    steers_on_what: bool
    criteria: tuple[CriterionTemplate, ...]
    alternatives: tuple[AlternativeTemplate, ...]
    source: str


_DELFT = ProjectTemplate(
    code=DecisionProject.Template.DELFT,
    weighting=DecisionProject.Weighting.PAIRWISE,
    aggregation=DecisionProject.Aggregation.AIJ,  # one decision body in one session (DOMAIN.md §2.1)
    steers_on_what=True,
    criteria=(
        CriterionTemplate(
            "Ruimte voor professionals", "Professionals kunnen doen wat nodig is, zonder onnodige regels."
        ),
        CriterionTemplate("Integraliteit", "Eén huishouden, één plan: alle leefgebieden in samenhang."),
        CriterionTemplate("Centrale toegang", "Eén herkenbare ingang voor inwoners en verwijzers."),
        CriterionTemplate(
            "Innovatief partnerschap", "Partners werken samen aan vernieuwing, niet alleen aan productie."
        ),
        CriterionTemplate("Kosten", "Eenmalige, frictie- en structurele kosten (uit de business case).", "min", True),
    ),
    alternatives=(
        AlternativeTemplate("In eigen beheer (gemeente)", LegalForm.IN_HOUSE, True),
        AlternativeTemplate("Gemeenschappelijke regeling", LegalForm.GR, True),
        AlternativeTemplate("Aanbesteding / opdracht", LegalForm.TENDER, False),
        AlternativeTemplate("BV (100 % gemeente, met raad van commissarissen)", LegalForm.BV, False),
        AlternativeTemplate("Stichting", LegalForm.FOUNDATION, False),
        AlternativeTemplate("Coöperatie", LegalForm.COOPERATIVE, False),
    ),
    source="Criteria opgesteld met belanghebbenden; sturen op het wat als uitgangspunt.",
)

_DEVENTER = ProjectTemplate(
    code=DecisionProject.Template.DEVENTER,
    weighting=DecisionProject.Weighting.POINTS,
    aggregation=DecisionProject.Aggregation.AIP_ARITHMETIC,  # groups keep their own identity (DOMAIN.md §2.1)
    steers_on_what=False,
    criteria=(
        CriterionTemplate("Transformatieopdracht", "Draagt de vorm bij aan de transformatie van het sociaal domein?"),
        CriterionTemplate(
            "Rollen gemeente en transparantie", "Zijn de rollen van de gemeente helder en is sturing zichtbaar?"
        ),
        CriterionTemplate("Slagkracht", "Kan de organisatie snel besluiten en handelen?"),
        CriterionTemplate("Kosten", "Eenmalige, frictie- en structurele kosten (uit de business case).", "min", True),
        CriterionTemplate("Flexibiliteit", "Kan de vorm meebewegen met nieuwe taken en budgetten?"),
        CriterionTemplate("Risico's", "Financiële, juridische en continuïteitsrisico's (hoger is meer risico).", "min"),
        CriterionTemplate(
            "Wensen medewerkers",
            "Onafhankelijke positie, gelijke arbeidsvoorwaarden, ruimte voor maatwerk, behoud van specialismen, "
            "platte organisatie.",
        ),
    ),
    alternatives=(
        AlternativeTemplate(
            "Projectorganisatie / convenant",
            LegalForm.COVENANT,
            True,
            "Medewerkers blijven in dienst van hun werkgever; subsidie- of inkooprelatie; convenant.",
        ),
        AlternativeTemplate(
            "Hoofdaanbieder met onderaannemers",
            LegalForm.MAIN_CONTRACTOR,
            False,
            "Eén hoofdaannemer krijgt het budget; medewerkers blijven in dienst van hun werkgever.",
        ),
        AlternativeTemplate(
            "Aparte juridische entiteit",
            LegalForm.ENTITY,
            False,
            "Medewerkers in dienst van of gedetacheerd bij een nieuwe rechtspersoon (stichting of coöperatie).",
        ),
    ),
    source="Drie modellen vergeleken op zeven aspecten (Slim Beleid en Movisie, juni 2016).",
)

_EMPTY = ProjectTemplate(
    code=DecisionProject.Template.EMPTY,
    weighting=DecisionProject.Weighting.PAIRWISE,
    aggregation=DecisionProject.Aggregation.AIJ,
    steers_on_what=False,
    criteria=(),
    alternatives=(),
    source="",
)

TEMPLATES: dict[str, ProjectTemplate] = {t.code: t for t in (_DELFT, _DEVENTER, _EMPTY)}


@dataclass(frozen=True)
class ParameterTemplate:
    code: str
    label: str
    value: Decimal
    unit: str
    source: str


PARAMETERS: tuple[ParameterTemplate, ...] = (
    ParameterTemplate(
        "discontovoet",
        "Standaard discontovoet (reëel)",
        Decimal("2.25"),
        "%",
        "Risicovrije voet -1 % plus risico-opslag 3,25 %, voor MKBA sinds 1 januari 2021: Rapport werkgroep "
        "discontovoet 2020, https://www.rwseconomie.nl/discontovoet.",
    ),
    ParameterTemplate(
        "btw",
        "Algemeen btw-tarief",
        Decimal("21.00"),
        "%",
        "Wet op de omzetbelasting 1968, art. 9 lid 1 (https://wetten.overheid.nl/BWBR0002629). Btw-compensatiefonds "
        "alleen voor gemeente en gemeenschappelijke regeling.",
    ),
    ParameterTemplate(
        "werkgeverslasten",
        "Werkgeverslasten (standaard voor nieuwe formatieregels)",
        Decimal("30.00"),
        "%",
        "Aanname: er is geen landelijk percentage; de opbouw is sociale lasten en pensioenpremie van ABP "
        "of PFZW. Vervang door het percentage uit de eigen salarisadministratie.",
    ),
)


@dataclass(frozen=True)
class Cao:
    code: str
    name: str
    pension_fund: str
    source: str


CAOS: tuple[Cao, ...] = (
    Cao("gemeenten", "Cao Gemeenten", "ABP", "Wnra sinds 1-1-2020; https://www.caogemeenten.nl"),
    Cao("sgo", "Cao SGO", "ABP", "Werkgeversvereniging SGO, https://wsgo.nl/cao_start"),
    Cao("sociaal_werk", "Cao Sociaal Werk", "PFZW", "PFZW verplicht voor zorg en welzijn"),
    Cao("jeugdzorg", "Cao Jeugdzorg", "PFZW", "PFZW verplicht voor zorg en welzijn"),
    Cao("gehandicaptenzorg", "Cao Gehandicaptenzorg", "PFZW", "PFZW verplicht voor zorg en welzijn"),
    Cao("ggz", "Cao GGZ", "PFZW", "PFZW verplicht voor zorg en welzijn"),
    Cao("overig", "Andere cao", "-", "Vul pensioenfonds en werkgeverslasten zelf in"),
)
CAO_BY_CODE = {cao.code: cao for cao in CAOS}

# The line items of the business case (DOMAIN.md §4.3) per block.
CATEGORIES: dict[str, tuple[tuple[str, str], ...]] = {
    "eenmalig": (
        ("kwartiermaker", "Kwartiermaker / programmateam"),
        ("juridisch", "Juridisch (notaris, statuten, mandaat, DVO)"),
        ("fiscaal", "Fiscaal advies (btw, Vpb)"),
        ("ict", "ICT (zaaksysteem, koppelingen, DPIA)"),
        ("hr", "HR en sociaal plan (plaatsing, OR-advies)"),
        ("opleiding", "Opleiding"),
        ("dubbele_lasten", "Dubbele lasten"),
        ("huisvesting_eenmalig", "Huisvesting (eenmalig)"),
        ("communicatie", "Communicatie"),
    ),
    "frictie": (
        ("frictie_partners", "Frictie bij partnerorganisaties"),
        ("frictie_gemeente", "Frictie bij de gemeente (achterblijvende overhead)"),
        ("contractbeeindiging", "Beëindiging contracten"),
    ),
    "structureel": (
        ("management", "Management en toezicht (directeur-bestuurder, RvT/RvC, accountant)"),
        ("piofach_dvo", "PIOFACH via dienstverleningsovereenkomst"),
        ("piofach_eigen", "PIOFACH met eigen personeel"),
        ("huisvesting", "Huisvesting"),
        ("ict_structureel", "ICT-licenties en beheer"),
        ("kwaliteit", "Kwaliteitssystemen"),
        ("weerstand", "Vereist weerstandsvermogen"),
        ("overig_structureel", "Overige structurele kosten"),
    ),
    "baten": (
        ("minder_maatwerk", "Minder verwijzing naar maatwerk (Wmo/Jeugd)"),
        ("minder_inhuur", "Minder inhuur"),
        ("minder_dubbel", "Minder dubbele trajecten"),
        ("overige_baten", "Overige baten"),
    ),
}
CATEGORY_LABELS = {code: label for items in CATEGORIES.values() for code, label in items}

# Forms that take part in the btw-compensatiefonds through the municipality or a GR, or where the municipality
# buys or subsidises (its own btw on the purchase stays compensable): a rule of thumb, DOMAIN.md §4.4.
IN_BCF = frozenset({LegalForm.IN_HOUSE, LegalForm.GR, LegalForm.COVENANT, LegalForm.TENDER})
VPB_ALWAYS = frozenset({LegalForm.BV})
VPB_IF_MARKET = frozenset({LegalForm.FOUNDATION, LegalForm.COOPERATIVE, LegalForm.ENTITY})
FISCAL_SOURCE = (
    "Btw-compensatiefonds en Vpb (Kamerstuk 33 750 VII nr. 59; Wet modernisering Vpb-plicht "
    "overheidsondernemingen, 1-1-2016). Vuistregel; laat een fiscalist de uitkomst bevestigen."
)

# The escalation ladder of DOMAIN.md §4.6 ("Escalation"): municipal side, party side, what is decided there.
DEFAULT_LADDER: tuple[tuple[str, str, str], ...] = (
    ("Contractmanager", "Management van de partij", "Uitvoering van de afspraken, prestaties en informatie."),
    ("Ambtelijk opdrachtgever (regisseur)", "Directeur", "Afwijkingen van prestaties of budget."),
    ("Wethouder-opdrachtgever", "Bestuur", "Geschillen over opdracht, prijs en kwaliteit."),
    (
        "Wethouder-eigenaar (AVA of oprichtersrechten)",
        "Bestuur en raad van toezicht / commissarissen",
        "Benoemen en ontslaan van bestuur en toezicht, goedkeuren van begroting, jaarrekening en statutenwijziging.",
    ),
    ("College en raad", "Bestuur", "Voortbestaan, beëindiging en uittreding (exit- en opzeggingsclausules)."),
)

SCORE_SCALE: tuple[tuple[int, str], ...] = (
    (1, "1 - zeer laag"),
    (2, "2 - laag"),
    (3, "3 - gemiddeld"),
    (4, "4 - hoog"),
    (5, "5 - zeer hoog"),
)

# The Saaty scale as the participant sees it (DOMAIN.md §1): the verbal labels of 1, 3, 5, 7 and 9.
SAATY_WORDS = {
    1: "even belangrijk",
    3: "iets belangrijker",
    5: "belangrijker",
    7: "veel belangrijker",
    9: "extreem veel belangrijker",
}


def saaty_label(value: int, first: str, second: str) -> str:
    """A signed judgement (-8..8) in words: ``2`` -> "Integraliteit 3x zo belangrijk (iets belangrijker)"."""
    if value == 0:
        return f"{first} en {second} even belangrijk"
    factor = abs(value) + 1
    name = first if value > 0 else second
    word = SAATY_WORDS.get(factor)
    return f"{name} {factor}x zo belangrijk" + (f" ({word})" if word else "")
