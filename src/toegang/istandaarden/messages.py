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
# what each message is, in the words of the chain (DOMAIN.md §2.2)
NAMES = {
    "301": "Toewijzing", "302": "Toewijzing retour", "305": "Start zorg", "306": "Start retour",
    "307": "Stop zorg", "308": "Stop retour", "315": "Verzoek om toewijzing", "316": "Verzoek om toewijzing retour",
    "317": "Verzoek om wijziging", "318": "Verzoek om wijziging retour", "319": "Antwoordbericht",
    "320": "Antwoordbericht retour", "323": "Declaratie", "325": "Declaratie-antwoord",
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


# no entities, no network, no DTD; comments and processing instructions are dropped (they carry nothing)
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True, huge_tree=False
)


def parse(document: bytes) -> etree._Element:
    """A message as a tree; raises etree.XMLSyntaxError for what is not plain well-formed XML."""
    return etree.fromstring(document, parser=PARSER)


def validate(standard: str, code: str, document: bytes | etree._Element) -> list[Problem]:
    """Schema problems of a message (its bytes or its parsed tree), each with its line and element; empty
    when valid."""
    if isinstance(document, bytes):
        try:
            tree = parse(document)
        except etree.XMLSyntaxError as error:
            return [Problem(error.lineno or 0, "", f"geen geldige XML: {error.msg}")]
    else:
        tree = document
    checker = schema(standard, code)
    try:
        if checker.validate(tree):
            return []
    except etree.Error as error:  # for instance an entity reference the schema cannot check
        return [Problem(0, "", f"niet te controleren tegen het XSD: {error}")]
    problems = []
    for entry in checker.error_log:
        element = re.search(r"Element '([^']+)'", entry.message)
        name = re.sub(r"\{[^}]*\}", "", element.group(1)) if element else ""
        problems.append(Problem(entry.line, name, _dutch(entry.type_name, entry.message)))
    return problems


# libxml2's schema errors in Dutch, by kind; anything else keeps its text after a Dutch lead
_RULES = {
    "SCHEMAV_ELEMENT_CONTENT": "staat niet op een toegestane plaats, of een verplicht element ervoor ontbreekt",
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": "een verplicht element ontbreekt",
    "SCHEMAV_CVC_ENUMERATION_VALID": "is geen toegestane code",
    "SCHEMAV_CVC_PATTERN_VALID": "heeft niet de voorgeschreven vorm",
    "SCHEMAV_CVC_MAXLENGTH_VALID": "is te lang",
    "SCHEMAV_CVC_MINLENGTH_VALID": "is te kort",
    "SCHEMAV_CVC_LENGTH_VALID": "heeft niet de voorgeschreven lengte",
    "SCHEMAV_CVC_MAXINCLUSIVE_VALID": "is groter dan toegestaan",
    "SCHEMAV_CVC_MININCLUSIVE_VALID": "is kleiner dan toegestaan",
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": "heeft niet het voorgeschreven gegevenstype",
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_3": "heeft niet het voorgeschreven gegevenstype",
    "SCHEMAV_CVC_TYPE_3_1_2": "mag geen onderliggende elementen bevatten",
    "SCHEMAV_CVC_ELT_1": "is geen element van dit bericht",
}


def _dutch(kind: str, message: str) -> str:
    value = re.search(r"The value '([^']*)'", message) or re.search(r"'([^']*)' is not (?:a valid|accepted)", message)
    expected = re.search(r"Expected is (?:one of )?\( ([^)]*) \)", message)
    rule = _RULES.get(kind)
    if rule is None:
        return f"voldoet niet aan het XSD ({message.strip()})"
    text = (f"waarde '{value.group(1)}' " if value and kind != "SCHEMAV_ELEMENT_CONTENT" else "") + rule
    if expected:
        text += "; verwacht: " + re.sub(r"\{[^}]*\}", "", expected.group(1))
    return text


def sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = str(text)
    return node


def xsd_version(parent: etree._Element, tag: str, standard: str) -> None:
    base = namespaces(standard, "301")[0]
    version = sub(parent, tag)
    sub(version, f"{{{base}}}BasisschemaXsdVersie", XSD_VERSIONS[standard])
    sub(version, f"{{{base}}}BerichtXsdVersie", XSD_VERSIONS[standard])


def start(
    standard: str, code: str, *, sender: str, receiver: str, identification: str, now: dt.datetime
) -> tuple[etree._Element, etree._Element]:
    """The root and header of a message that starts an exchange: the municipality's 301, 319 and 325, and
    (for demo and tests, istandaarden.provider) a provider's 305, 307, 315, 317 and 323."""
    base, message = namespaces(standard, code)
    root = etree.Element(f"{{{message}}}Bericht", nsmap={None: message, FOLDERS[standard]: base})
    header = sub(root, f"{{{message}}}Header")
    sub(header, f"{{{message}}}BerichtCode", MESSAGE_CODES[(standard, code)])
    sub(header, f"{{{message}}}BerichtVersie", 3)
    sub(header, f"{{{message}}}BerichtSubversie", 2)
    sub(header, f"{{{message}}}Afzender", sender)
    sub(header, f"{{{message}}}Ontvanger", receiver)
    ident = sub(header, f"{{{message}}}BerichtIdentificatie")
    sub(ident, f"{{{base}}}Identificatie", identification)
    sub(ident, f"{{{base}}}Dagtekening", now.date().isoformat())
    xsd_version(header, f"{{{message}}}XsdVersie", standard)
    return root, header


def clone(element: etree._Element, parent: etree._Element, rename: dict[str, str]) -> etree._Element:
    """Copy ``element`` with its subtree under ``parent``, moving elements from one message namespace to
    another (``rename``: old → new); base-schema elements keep theirs."""
    qname = etree.QName(element)
    namespace = rename.get(qname.namespace or "", qname.namespace)
    copy = etree.SubElement(parent, f"{{{namespace}}}{qname.localname}")
    copy.text = element.text if len(element) == 0 else None
    for child in element:
        if isinstance(child.tag, str):
            clone(child, copy, rename)
    return copy


def finish(root: etree._Element, standard: str, code: str) -> bytes:
    """Serialise a message the municipality builds and check it against the official XSD: a message that
    does not validate is never stored or sent."""
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    problems = validate(standard, code, document)
    if problems:
        raise DomainError(f"{standard}{code} voldoet niet aan het XSD: " + "; ".join(str(p) for p in problems[:3]))
    return document


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
    references: dict[int, str] | None = None,
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
    root, _header = start(standard, "301", sender=municipality_code, receiver=provider.agb_code,
                           identification=identification, now=now)  # fmt: skip

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
        reference = (references or {}).get(provision.pk)
        if reference:
            sub(product, m("ReferentieAanbieder"), reference)
        code = sub(product, m("Product"))
        sub(code, b("Categorie"), provision.category.code)
        if provision.product_code:
            sub(code, b("Code"), provision.product_code)
        sub(product, m("Toewijzingsdatum"), now.date().isoformat())
        sub(product, m("Toewijzingstijd"), now.time().replace(microsecond=0).isoformat())
        sub(product, m("Ingangsdatum"), provision.start_date.isoformat())
        if provision.assigned_end:
            sub(product, m("Einddatum"), provision.assigned_end.isoformat())
        if provision.change_reason:
            sub(product, m("RedenWijziging"), provision.change_reason)
        if provision.volume is not None:
            size = sub(product, m("Omvang"))
            sub(size, b("Volume"), provision.volume)
            sub(size, b("Eenheid"), provision.unit)
            sub(size, b("Frequentie"), provision.frequency)
        if provision.budget_cents is not None:
            sub(product, m("Budget"), provision.budget_cents)
    if not any_product:
        raise DomainError("Voorzieningen: een toewijzing bevat ten minste één product in natura.")
    return finish(root, standard, "301")


def file_name(standard: str, code: str, identification: str) -> str:
    return f"{standard}{code}_{identification}.xml"


# --- answers the municipality sends to a provider's message ------------------------------------------

# the retour message of each message a provider sends the municipality, and the elements in it that
# carry their own RetourCodes (the retour repeats the heenbericht with codes per record; see the XSDs)
RETOUR = {"305": "306", "307": "308", "315": "316", "317": "318", "301": "302", "319": "320"}
RECORDS = {
    "302": ("Client", "Relatie", "Contact", "ToegewezenProduct"),
    "320": ("Antwoord", "Woonplaatsbeginsel"),
    "306": ("Client", "StartProduct"),
    "308": ("Client", "StopProduct"),
    "316": ("Client", "AangevraagdProduct"),
    "318": ("Client", "Verzoek", "OngewijzigdProduct", "TeWijzigenProduct", "NieuwProduct"),
}
ACCEPTED = "0200"  # WJ001: geen opmerking
NOT_ASSESSED = "0233"  # WJ001: berichtklasse is niet beoordeeld


def build_retour(
    tree: etree._Element,
    standard: str,
    code: str,
    *,
    identification: str,
    now: dt.datetime,
    codes: dict[str, list[str]],
    header_codes: list[str] | None = None,
) -> bytes:
    """The retour of a message ``code`` (a provider's 305, 307, 315 or 317; the provider's side of our 301
    and 319 is built the same way by istandaarden.provider): the heenbericht repeated in the
    retour's namespace with the municipality's identification and, per record, its return codes.
    ``codes`` maps the path of a record in ``tree`` (``tree.getroottree().getpath(element)``) to its
    codes; a record without an entry is accepted (0200). A retour carries only what was refused
    (iJw/iWmo 3.2 rule OP065): a client whose records are all accepted is left out, and a message
    accepted whole is a header with code 0200. Within a client that is returned, every record keeps its
    code (so that the required structure stays whole)."""
    answer = RETOUR[code]
    base, incoming = namespaces(standard, code)
    outgoing = namespaces(standard, answer)[1]
    root = etree.Element(f"{{{outgoing}}}Bericht", nsmap={None: outgoing, FOLDERS[standard]: base})
    for child in tree:
        if isinstance(child.tag, str):
            clone(child, root, {incoming: outgoing})
    records = set(RECORDS[answer])
    paths = tree.getroottree()
    elements = etree.Element  # elements only: a comment in the heenbericht is not copied (see clone)
    for original, element in list(zip(tree.iter(elements), root.iter(elements), strict=True)):
        if etree.QName(element).localname not in records:
            continue
        returned = sub(element, f"{{{outgoing}}}RetourCodes")
        for value in codes.get(paths.getpath(original), [ACCEPTED]):
            sub(returned, f"{{{outgoing}}}RetourCode", value)
    o = lambda tag: f"{{{outgoing}}}{tag}"  # noqa: E731
    for top in root.findall(o("Antwoord" if answer == "320" else "Client")):
        if {node.text for node in top.iter(o("RetourCode"))} <= {ACCEPTED}:
            root.remove(top)
            header_codes = header_codes or [ACCEPTED]
    header = root.find(o("Header"))
    assert header is not None  # noqa: S101 - the XSD requires the header
    header.find(o("BerichtCode")).text = MESSAGE_CODES[(standard, answer)]
    position = list(header).index(header.find(o("XsdVersie"))) + 1
    extra = [etree.Element(o("IdentificatieRetour")), etree.Element(o("DagtekeningRetour"))]
    extra[0].text, extra[1].text = identification, now.date().isoformat()
    for offset, element in enumerate(extra):
        header.insert(position + offset, element)
    xsd_version(header, o("XsdVersieRetour"), standard)
    if header_codes:
        returned = sub(header, o("RetourCodes"))
        for value in header_codes:
            sub(returned, o("RetourCode"), value)
    return finish(root, standard, answer)


def build_answer(
    *,
    standard: str,
    municipality_code: str,
    provider: Provider,
    reference: str,
    investigating: bool,
    refusal: str,
    identification: str,
    now: dt.datetime,
) -> bytes:
    """A 319 antwoordbericht to a request (315/317): refused (WJ760 1, with a WJ759 reason) or under
    investigation (WJ760 2)."""
    message = namespaces(standard, "319")[1]
    root, _header = start(
        standard, "319", sender=municipality_code, receiver=provider.agb_code, identification=identification, now=now
    )
    answer = sub(root, f"{{{message}}}Antwoord")
    sub(answer, f"{{{message}}}ReferentieAanbieder", reference)
    sub(answer, f"{{{message}}}VerzoekAntwoord", "2" if investigating else "1")
    if not investigating:
        sub(answer, f"{{{message}}}RedenAfwijzingVerzoek", refusal)
    return finish(root, standard, "319")


@dataclass(frozen=True)
class Judged:
    """One prestatie of a claim as the municipality judged it: the prestatie element and its codes."""

    element: etree._Element
    bsn: str
    codes: tuple[str, ...]

    @property
    def approved(self) -> bool:
        return self.codes == (ACCEPTED,)


def build_claim_answer(
    claim: etree._Element,
    standard: str,
    *,
    identification: str,
    now: dt.datetime,
    judged: list[Judged],
    header_codes: list[str],
    granted_cents: int,
) -> bytes:
    """The 325 declaratie-antwoord to a claim (323). A claim that is rejected as a whole carries its code
    in the header and no answer per prestatie; otherwise the header says 8001 when everything is granted,
    and the answer lists the rejected prestaties with their codes (the granted ones are not repeated)."""
    base, incoming = namespaces(standard, "323")
    message = namespaces(standard, "325")[1]
    i = lambda tag: f"{{{incoming}}}{tag}"  # noqa: E731
    m = lambda tag: f"{{{message}}}{tag}"  # noqa: E731
    b = lambda tag: f"{{{base}}}{tag}"  # noqa: E731
    head = claim.find(i("Header"))
    declaration = claim.find(i("Declaratie"))
    assert head is not None and declaration is not None  # noqa: S101 - required by the XSD
    root, header = start(
        standard,
        "325",
        sender=head.findtext(i("Ontvanger")) or "",
        receiver=head.findtext(i("Afzender")) or "",
        identification=identification,
        now=now,
    )
    claimed = head.find(i("BerichtIdentificatie"))
    assert claimed is not None  # noqa: S101
    clone(claimed, header, {incoming: message}).tag = m("DeclaratieIdentificatie")
    xsd_version(header, m("XsdVersieDeclaratie"), standard)
    returned = sub(header, m("RetourCodes"))
    for value in header_codes:
        sub(returned, m("RetourCode"), value)
    if header_codes not in ([ACCEPTED], ["8001"]):
        return finish(root, standard, "325")
    answer = sub(root, m("DeclaratieAntwoord"))
    sub(answer, m("DeclaratieNummer"), declaration.findtext(i("DeclaratieNummer")))
    total = declaration.find(i("TotaalIngediendBedrag"))
    assert total is not None  # noqa: S101
    clone(total, answer, {incoming: message})
    granted = sub(answer, m("TotaalToegekendBedrag"))
    sub(granted, b("TotaalBedrag"), abs(granted_cents))
    sub(granted, b("DebetCredit"), "C" if granted_cents < 0 else "D")
    rejected = [line for line in judged if not line.approved]
    if rejected:
        clients = sub(answer, m("Clienten"))
        by_bsn: dict[str, etree._Element] = {}
        for line in rejected:
            if line.bsn not in by_bsn:
                client = sub(clients, m("Client"))
                sub(client, m("Bsn"), line.bsn)
                by_bsn[line.bsn] = sub(client, m("Prestaties"))
            prestatie = clone(line.element, by_bsn[line.bsn], {incoming: message})
            codes = sub(prestatie, m("RetourCodes"))
            for value in line.codes:
                sub(codes, m("RetourCode"), value)
        for prestaties in by_bsn.values():
            client_codes = sub(prestaties.getparent(), m("RetourCodes"))
            sub(client_codes, m("RetourCode"), ACCEPTED)
    answer_codes = sub(answer, m("RetourCodes"))
    sub(answer_codes, m("RetourCode"), ACCEPTED)
    return finish(root, standard, "325")
