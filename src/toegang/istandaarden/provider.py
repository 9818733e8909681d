"""A provider's back office in miniature: builds the messages a provider sends the municipality (302, 305,
307, 315, 317, 320, 323), valid against the official XSDs. Used by the demo data, the tests, the
benchmark and the walk-through in docs/istandaarden.md; never by the municipality's own flows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from toegang.istandaarden import messages
from toegang.istandaarden.messages import finish, namespaces, sub


@dataclass(frozen=True)
class Client:
    bsn: str
    born: dt.date
    surname: str
    initials: str = ""


@dataclass(frozen=True)
class Line:
    """One prestatie of a claim."""

    bsn: str
    reference: str
    assignment: int
    category: str
    code: str
    start: dt.date
    end: dt.date
    volume: int
    unit: str
    amount_cents: int
    rate_cents: int | None = None
    credit: bool = False
    previous_reference: str = ""  # a credit line: the reference of the debit line it reverses


@dataclass(frozen=True)
class Requested:
    """One product in a request for assignment (315) or a new product in a request for change (317)."""

    reference: str
    category: str
    start: dt.date
    code: str = ""
    end: dt.date | None = None
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    budget_cents: int | None = None


@dataclass(frozen=True)
class Change:
    """A product to change in a request for change (317)."""

    assignment: int
    start: dt.date
    end: dt.date | None = None
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    budget_cents: int | None = None


@dataclass
class _Doc:
    standard: str
    code: str
    root: etree._Element = field(init=False)
    header: etree._Element = field(init=False)

    def m(self, tag: str) -> str:
        return f"{{{namespaces(self.standard, self.code)[1]}}}{tag}"

    def b(self, tag: str) -> str:
        return f"{{{namespaces(self.standard, self.code)[0]}}}{tag}"


def _start(standard: str, code: str, agb: str, municipality: str, identification: str, on: dt.date) -> _Doc:
    """A provider's message: the same header as the municipality's, with the provider as sender."""
    doc = _Doc(standard, code)
    doc.root, doc.header = messages.start(
        standard, code, sender=agb, receiver=municipality, identification=identification,
        now=dt.datetime.combine(on, dt.time(12)),
    )  # fmt: skip
    return doc


def _client(doc: _Doc, client: Client, *, short: bool = True) -> etree._Element:
    node = sub(doc.root, doc.m("Client"))
    sub(node, doc.m("Bsn"), client.bsn)
    born = sub(node, doc.m("Geboortedatum"))
    sub(born, doc.b("Datum"), client.born.isoformat())
    sub(born, doc.b("DatumGebruik"), 1)
    sub(node, doc.m("Geslacht"), 0)
    name = sub(node, doc.m("Naam"))
    surname = sub(name, doc.b("Geslachtsnaam"))
    sub(surname, doc.b("Achternaam"), client.surname)
    if client.initials:
        sub(name, doc.b("Voorletters"), client.initials)
    return node


def _product(doc: _Doc, parent: etree._Element, category: str, code: str) -> None:
    product = sub(parent, doc.m("Product"))
    sub(product, doc.b("Categorie"), category)
    if code:
        sub(product, doc.b("Code"), code)


def _size(doc: _Doc, parent: etree._Element, volume: int | None, unit: str, frequency: str, budget: int | None) -> None:
    if volume is not None:
        size = sub(parent, doc.m("Omvang"))
        sub(size, doc.b("Volume"), volume)
        sub(size, doc.b("Eenheid"), unit)
        sub(size, doc.b("Frequentie"), frequency)
    if budget is not None:
        sub(parent, doc.m("Budget"), budget)


def start_or_stop(
    standard: str,
    *,
    stop: bool,
    agb: str,
    municipality: str,
    identification: str,
    on: dt.date,
    client: Client,
    assignment: int,
    category: str,
    code: str,
    assigned_from: dt.date,
    begin: dt.date,
    end: dt.date | None = None,
    reason: str = "19",
    status: str = "1",
) -> bytes:
    """A start (305) or stop (307) message for one assigned product."""
    doc = _start(standard, "307" if stop else "305", agb, municipality, identification, on)
    node = _client(doc, client)
    products = sub(node, doc.m("StopProducten" if stop else "StartProducten"))
    product = sub(products, doc.m("StopProduct" if stop else "StartProduct"))
    sub(product, doc.m("ToewijzingNummer"), assignment)
    _product(doc, product, category, code)
    sub(product, doc.m("ToewijzingIngangsdatum"), assigned_from.isoformat())
    sub(product, doc.m("Begindatum"), begin.isoformat())
    if stop:
        sub(product, doc.m("RedenBeeindiging"), reason)
        sub(product, doc.m("Einddatum"), (end or on).isoformat())
    sub(product, doc.m("StatusAanlevering"), status)
    return finish(doc.root, standard, doc.code)


def request_for_assignment(
    standard: str,
    *,
    agb: str,
    municipality: str,
    identification: str,
    on: dt.date,
    client: Client,
    products: list[Requested],
    referrer: str = "01",
) -> bytes:
    """A verzoek om toewijzing (315): the provider asks for an assignment, per product with its own
    reference. ``referrer`` is the type of referrer (01: gemeente; 02: huisarts; see the XSD)."""
    doc = _start(standard, "315", agb, municipality, identification, on)
    node = _client(doc, client)
    asked = sub(node, doc.m("AangevraagdeProducten"))
    for requested in products:
        product = sub(asked, doc.m("AangevraagdProduct"))
        sub(product, doc.m("ReferentieAanbieder"), requested.reference)
        _product(doc, product, requested.category, requested.code)
        sub(product, doc.m("ToewijzingIngangsdatum"), requested.start.isoformat())
        if requested.end:
            sub(product, doc.m("ToewijzingEinddatum"), requested.end.isoformat())
        _size(doc, product, requested.volume, requested.unit, requested.frequency, requested.budget_cents)
        referral = sub(product, doc.m("Verwijzer"))
        sub(referral, doc.b("Type"), referrer)
    return finish(doc.root, standard, doc.code)


def request_for_change(
    standard: str,
    *,
    agb: str,
    municipality: str,
    identification: str,
    on: dt.date,
    bsn: str,
    reference: str,
    unchanged: list[int] = (),  # type: ignore[assignment]
    changes: list[Change] = (),  # type: ignore[assignment]
    new: list[Requested] = (),  # type: ignore[assignment]
    reason: str = "1",
) -> bytes:
    """A verzoek om wijziging (317): every current assignment of the client at this provider is listed,
    unchanged or to change, and new products may be added."""
    doc = _start(standard, "317", agb, municipality, identification, on)
    node = sub(doc.root, doc.m("Client"))
    sub(node, doc.m("Bsn"), bsn)
    request = sub(node, doc.m("Verzoek"))
    sub(request, doc.m("ReferentieAanbieder"), reference)
    sub(request, doc.m("RedenVerzoek"), reason)
    if unchanged:
        group = sub(request, doc.m("OngewijzigdeProducten"))
        for number in unchanged:
            sub(sub(group, doc.m("OngewijzigdProduct")), doc.m("ToewijzingNummer"), number)
    if changes:
        group = sub(request, doc.m("TeWijzigenProducten"))
        for change in changes:
            product = sub(group, doc.m("TeWijzigenProduct"))
            sub(product, doc.m("ToewijzingNummer"), change.assignment)
            sub(product, doc.m("GewensteIngangsdatum"), change.start.isoformat())
            if change.end:
                sub(product, doc.m("Einddatum"), change.end.isoformat())
            _size(doc, product, change.volume, change.unit, change.frequency, change.budget_cents)
    if new:
        group = sub(request, doc.m("NieuweProducten"))
        for requested in new:
            product = sub(group, doc.m("NieuwProduct"))
            _product(doc, product, requested.category, requested.code)
            sub(product, doc.m("GewensteIngangsdatum"), requested.start.isoformat())
            if requested.end:
                sub(product, doc.m("Einddatum"), requested.end.isoformat())
            _size(doc, product, requested.volume, requested.unit, requested.frequency, requested.budget_cents)
    return finish(doc.root, standard, doc.code)


def claim(
    standard: str,
    *,
    agb: str,
    municipality: str,
    identification: str,
    on: dt.date,
    number: str,
    period: tuple[dt.date, dt.date],
    lines: list[Line],
    total_cents: int | None = None,
) -> bytes:
    """A declaratie (323) with its prestaties grouped per client. The total is the sum of the lines (debit
    minus credit) unless ``total_cents`` says otherwise."""
    doc = _start(standard, "323", agb, municipality, identification, on)
    declaration = sub(doc.root, doc.m("Declaratie"))
    sub(declaration, doc.m("DeclaratieNummer"), number)
    span = sub(declaration, doc.m("DeclaratiePeriode"))
    sub(span, doc.b("Begindatum"), period[0].isoformat())
    sub(span, doc.b("Einddatum"), period[1].isoformat())
    sub(declaration, doc.m("DeclaratieDagtekening"), on.isoformat())
    total = sum(-line.amount_cents if line.credit else line.amount_cents for line in lines)
    total = total if total_cents is None else total_cents
    amount = sub(declaration, doc.m("TotaalIngediendBedrag"))
    sub(amount, doc.b("TotaalBedrag"), abs(total))
    sub(amount, doc.b("DebetCredit"), "C" if total < 0 else "D")
    clients = sub(declaration, doc.m("Clienten"))
    per_client: dict[str, etree._Element] = {}
    for line in lines:
        if line.bsn not in per_client:
            node = sub(clients, doc.m("Client"))
            sub(node, doc.m("Bsn"), line.bsn)
            per_client[line.bsn] = sub(node, doc.m("Prestaties"))
        prestatie = sub(per_client[line.bsn], doc.m("Prestatie"))
        reference = sub(prestatie, doc.m("ProductReferentie"))
        sub(reference, doc.b("ReferentieNummer"), line.reference)
        if line.previous_reference:
            sub(reference, doc.b("VorigReferentieNummer"), line.previous_reference)
        sub(prestatie, doc.m("ToewijzingNummer"), line.assignment)
        sub(prestatie, doc.m("ProductCategorie"), line.category)
        sub(prestatie, doc.m("ProductCode"), line.code)
        product_period = sub(prestatie, doc.m("ProductPeriode"))
        sub(product_period, doc.b("Begindatum"), line.start.isoformat())
        sub(product_period, doc.b("Einddatum"), line.end.isoformat())
        sub(prestatie, doc.m("GeleverdVolume"), line.volume)
        sub(prestatie, doc.m("Eenheid"), line.unit)
        if line.rate_cents is not None:
            sub(prestatie, doc.m("ProductTarief"), line.rate_cents)
        billed = sub(prestatie, doc.m("IngediendBedrag"))
        sub(billed, doc.b("Bedrag"), line.amount_cents)
        sub(billed, doc.b("DebetCredit"), "C" if line.credit else "D")
    return finish(doc.root, standard, doc.code)


def retour(document: bytes, *, identification: str, on: dt.date, codes: dict[str, list[str]] | None = None) -> bytes:
    """The provider's retour (302 or 320) to a municipality's 301 or 319, accepting every record unless
    ``codes`` (paths as in messages.build_retour) says otherwise."""
    tree = etree.fromstring(document)
    namespace = etree.QName(tree).namespace or ""
    standard = "WMO" if "/iwmo/" in namespace else "JW"
    code = namespace.rsplit("/", 2)[-2][-3:]
    return messages.build_retour(
        tree,
        standard,
        code,
        identification=identification,
        now=dt.datetime.combine(on, dt.time(12)),
        codes=codes or {},
    )
