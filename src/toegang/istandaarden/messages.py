"""Building and checking iWmo / iJw release 3.2 messages. The official XSDs (``xsd/``, see SOURCE.md
there) are the contract: every message this module builds is validated against them before it is
stored, and an incoming file is validated before anything is read from it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

from toegang.common.errors import DomainError
from toegang.people.models import Person
from toegang.procedures.models import Provider, Provision

XSD_ROOT = Path(__file__).resolve().parent / "xsd"
STANDARDS = {"wmo": "WMO", "jeugd": "JW"}
FOLDERS = {"WMO": "iwmo", "JW": "ijw"}
# COD002-VEKT message codes (DOMAIN.md §2.2)
MESSAGE_CODES = {
    ("WMO", "301"): "414", ("WMO", "302"): "415", ("WMO", "305"): "418", ("WMO", "306"): "419",
    ("WMO", "307"): "420", ("WMO", "308"): "421", ("WMO", "315"): "444", ("WMO", "316"): "445",
    ("WMO", "317"): "480", ("WMO", "318"): "481", ("WMO", "319"): "482", ("WMO", "320"): "483",
    ("WMO", "323"): "484", ("WMO", "325"): "485",
    ("JW", "301"): "436", ("JW", "302"): "437", ("JW", "305"): "438", ("JW", "306"): "439",
    ("JW", "307"): "440", ("JW", "308"): "441", ("JW", "315"): "446", ("JW", "316"): "447",
    ("JW", "317"): "486", ("JW", "318"): "487", ("JW", "319"): "488", ("JW", "320"): "489",
    ("JW", "323"): "490", ("JW", "325"): "491",
}  # fmt: skip
XSD_VERSIONS = {"WMO": "1.0.0", "JW": "0.1.0"}  # as the shipped XSDs declare (xsd/SOURCE.md)


def namespaces(standard: str, code: str) -> tuple[str, str]:
    """(base schema namespace, message namespace) of a release-3.2 message."""
    family = FOLDERS[standard]
    return (
        f"http://www.istandaarden.nl/{family}/3_2/basisschema/schema",
        f"http://www.istandaarden.nl/{family}/3_2/{standard.lower()}{code}/schema",
    )


@cache
def schema(standard: str, code: str) -> etree.XMLSchema:
    path = XSD_ROOT / FOLDERS[standard] / f"{standard}{code}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


@dataclass(frozen=True)
class Problem:
    line: int
    element: str
    message: str

    def __str__(self) -> str:
        where = f"regel {self.line}" + (f", {self.element}" if self.element else "")
        return f"{where}: {self.message}"


def validate(standard: str, code: str, document: bytes) -> list[Problem]:
    """Schema problems of a message, each with its line and element; empty when valid."""
    try:
        tree = etree.fromstring(document, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [Problem(error.lineno or 0, "", f"geen geldige XML: {error.msg}")]
    checker = schema(standard, code)
    if checker.validate(tree):
        return []
    problems = []
    for entry in checker.error_log:
        element = re.search(r"Element '([^']+)'", entry.message)
        name = re.sub(r"\{[^}]*\}", "", element.group(1)) if element else ""
        problems.append(Problem(entry.line, name, entry.message))
    return problems


def _split_house_number(text: str) -> tuple[int | None, str, str]:
    match = re.match(r"^\s*(\d{1,5})\s*([A-Za-z]?)\s*[-\s]?\s*(\w{0,4})\s*$", text or "")
    if not match:
        return None, "", ""
    return int(match.group(1)), match.group(2).upper(), match.group(3)


def _initials(voornamen: str) -> str:
    return "".join(part[0] for part in voornamen.split() if part[:1].isalpha())[:6]


def build_assignment(
    *,
    law: str,
    municipality_code: str,
    provider: Provider,
    person: Person,
    provisions: Iterable[Provision],
    identification: str,
    now: dt.datetime,
) -> bytes:
    """A WMO301 / JW301 toewijzing for one client and one provider, validated against the official XSD.
    Raises DomainError (in Dutch, naming what is missing) when the data cannot make a valid message."""
    standard = STANDARDS[law]
    base, message = namespaces(standard, "301")
    if not person.bsn:
        raise DomainError("BSN: een toewijzing kan alleen voor een inwoner met een BSN worden verstuurd.")
    if person.geboortedatum is None:
        raise DomainError("Geboortedatum: een toewijzing vraagt de geboortedatum van de inwoner.")
    if not re.fullmatch(r"\d{4}", municipality_code):
        raise DomainError("Gemeente: de CBS-gemeentecode heeft vier cijfers.")

    m = lambda tag: f"{{{message}}}{tag}"  # noqa: E731 - element in the message's namespace
    b = lambda tag: f"{{{base}}}{tag}"  # noqa: E731 - element of a base-schema type

    def sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
        node = etree.SubElement(parent, tag)
        if text is not None:
            node.text = str(text)
        return node

    root = etree.Element(m("Bericht"), nsmap={None: message, "iwmo" if standard == "WMO" else "ijw": base})
    header = sub(root, m("Header"))
    sub(header, m("BerichtCode"), MESSAGE_CODES[(standard, "301")])
    sub(header, m("BerichtVersie"), 3)
    sub(header, m("BerichtSubversie"), 2)
    sub(header, m("Afzender"), municipality_code)
    sub(header, m("Ontvanger"), provider.agb_code)
    ident = sub(header, m("BerichtIdentificatie"))
    sub(ident, b("Identificatie"), identification)
    sub(ident, b("Dagtekening"), now.date().isoformat())
    version = sub(header, m("XsdVersie"))
    sub(version, b("BasisschemaXsdVersie"), XSD_VERSIONS[standard])
    sub(version, b("BerichtXsdVersie"), XSD_VERSIONS[standard])

    client = sub(root, m("Client"))
    sub(client, m("Bsn"), person.bsn)
    born = sub(client, m("Geboortedatum"))
    sub(born, b("Datum"), person.geboortedatum.isoformat())
    sub(born, b("DatumGebruik"), 1)  # 1: the date is known in full
    sub(client, m("Geslacht"), 0)  # 0: not recorded (Toegang keeps no gender)
    name = sub(client, m("Naam"))
    surname = sub(name, b("Geslachtsnaam"))
    sub(surname, b("Achternaam"), person.geslachtsnaam)
    if person.voorvoegsel:
        sub(surname, b("Voorvoegsel"), person.voorvoegsel[:10])
    if person.voornamen:
        sub(name, b("Voornamen"), person.voornamen)
        initials = _initials(person.voornamen)
        if initials:
            sub(name, b("Voorletters"), initials)
    sub(name, b("NaamGebruik"), 1)  # 1: own name
    contacts = sub(client, m("Contactgegevens"))
    contact = sub(contacts, m("Contact"))
    sub(contact, m("Soort"), "01")  # 01: address in the BRP
    number, letter, addition = _split_house_number(person.huisnummer)
    if person.postcode or person.straat:
        address = sub(contact, m("Adres"))
        if number is not None:
            house = sub(address, b("Huis"))
            sub(house, b("Huisnummer"), number)
            if letter:
                sub(house, b("Huisletter"), letter)
            if addition:
                sub(house, b("HuisnummerToevoeging"), addition)
        if person.postcode:
            sub(address, b("Postcode"), person.postcode)
        if person.straat:
            sub(address, b("Straatnaam"), person.straat)
        if person.woonplaats:
            sub(address, b("Plaatsnaam"), person.woonplaats)
    products = sub(client, m("ToegewezenProducten"))
    any_product = False
    for provision in provisions:
        any_product = True
        product = sub(products, m("ToegewezenProduct"))
        sub(product, m("ToewijzingNummer"), provision.pk)
        code = sub(product, m("Product"))
        sub(code, b("Categorie"), provision.category.code)
        if provision.product_code:
            sub(code, b("Code"), provision.product_code)
        sub(product, m("Toewijzingsdatum"), now.date().isoformat())
        sub(product, m("Toewijzingstijd"), now.time().replace(microsecond=0).isoformat())
        sub(product, m("Ingangsdatum"), provision.start_date.isoformat())
        if provision.end_date:
            sub(product, m("Einddatum"), provision.end_date.isoformat())
        if provision.volume is not None:
            size = sub(product, m("Omvang"))
            sub(size, b("Volume"), provision.volume)
            sub(size, b("Eenheid"), provision.unit)
            sub(size, b("Frequentie"), provision.frequency)
        if provision.budget_cents is not None:
            sub(product, m("Budget"), provision.budget_cents)
    if not any_product:
        raise DomainError("Voorzieningen: een toewijzing bevat ten minste één product in natura.")
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    problems = validate(standard, "301", document)
    if problems:
        raise DomainError("Toewijzing voldoet niet aan het XSD: " + "; ".join(str(p) for p in problems[:3]))
    return document


def file_name(standard: str, code: str, identification: str) -> str:
    return f"{standard}{code}_{identification}.xml"


def outbox_dir() -> Path:
    return Path(settings.ISTANDAARDEN_DIR)
