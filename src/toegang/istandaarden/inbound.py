"""Reading the messages providers send the municipality (302, 305, 307, 315, 317, 320, 323).

Each file goes through the same gates, and the first that fails decides the outcome; nothing is stored
before the last gate is passed:

1. well-formed XML, in the namespace of an iWmo or iJw release-3.2 message a provider sends → else
   ``invalid``;
2. valid against the official XSD (``xsd/``) → else ``invalid``, naming line and element;
3. addressed to a municipality of this Toegang, sent by a known provider (AGB code), not received
   before (the identification is unique per sender and message type, code 9056) → else ``rejected``,
   with nothing stored;
4. the message's own business rules, per record, with the return codes of the standard (WJ001). The
   message is stored with its outcome and, where the standard asks for one, the answer (306, 308, 316,
   318 or 325) is queued and written at once.

A record is processed whole or not at all: when one record of a start, stop or request message is
rejected, nothing of that message is applied and the other records say "0233 niet beoordeeld". A claim
is judged per prestatie: the granted ones are granted, the 325 lists the rejected ones."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from lxml import etree

from toegang.accounts.models import Municipality
from toegang.audit import services as audit
from toegang.common.dates import today
from toegang.common.numbers import whole_number
from toegang.common.templatetags.money import euros
from toegang.istandaarden import messages, services
from toegang.istandaarden.messages import ACCEPTED, MESSAGE_CODES, NOT_ASSESSED, XSD_ROOT, Judged
from toegang.istandaarden.models import ClaimLine, Message, Request
from toegang.people.models import Person
from toegang.procedures.calendar import add_working_days
from toegang.procedures.models import Decision, ProductCategory, Provider, Provision

logger = logging.getLogger(__name__)

INCOMING = ("302", "305", "307", "315", "317", "320", "323")
RETOURS = {"302": "301", "320": "319"}  # the provider's retour and the municipality's message it answers
LAWS = {"WMO": "wmo", "JW": "jeugd"}
_NAMESPACE = re.compile(r"^http://www\.istandaarden\.nl/(iwmo|ijw)/3_2/(wmo|jw)(\d{3})/schema$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Unreadable(ValueError):
    """A value the XSD lets through that the municipality cannot read (for example a date with a year of
    five digits); the file is invalid."""


def _date(value: str, where: str) -> dt.date:
    text = value.strip()
    if not _DATE.match(text):
        raise Unreadable(f"{where}: {text!r} is geen datum in de vorm JJJJ-MM-DD")
    return dt.date.fromisoformat(text)


@cache
def code_texts() -> dict[str, str]:
    """The WJ001 return codes with their meaning, as the official base schema documents them."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    tree = etree.parse(str(XSD_ROOT / "iwmo" / "basisschema.xsd"))
    texts = {}
    for value in tree.iterfind(f".//{xs}simpleType[@name='LDT_RetourCode']//{xs}enumeration"):
        doc = value.find(f".//{xs}documentation")
        texts[value.get("value", "")] = " ".join((doc.text or "").split()) if doc is not None else ""
    return texts


def explain(code: str) -> str:
    return f"{code} {code_texts().get(code, '')}".strip()


@dataclass
class Outcome:
    """What became of one file; printed as one line of JSON by ``manage.py istandaarden import``."""

    file: str
    status: str  # "accepted" | "rejected" | "invalid"
    errors: list[str] = field(default_factory=list)
    answer: str | None = None

    def as_json(self) -> str:
        return json.dumps(
            {"file": self.file, "status": self.status, "errors": self.errors, "answer": self.answer},
            ensure_ascii=False,
        )


@dataclass
class Context:
    tree: etree._Element
    xml: str
    standard: str
    code: str
    municipality: Municipality
    provider: Provider
    identification: str
    dated: dt.date
    refers_to: str  # a retour: the identification of the municipality's message it answers
    received: dt.date

    @property
    def law(self) -> str:
        return LAWS[self.standard]

    @cached_property
    def category_names(self) -> dict[str, str]:
        return dict(ProductCategory.objects.filter(law=self.law).values_list("code", "name"))

    def m(self, tag: str) -> str:
        return f"{{{messages.namespaces(self.standard, self.code)[1]}}}{tag}"

    def b(self, tag: str) -> str:
        return f"{{{messages.namespaces(self.standard, self.code)[0]}}}{tag}"

    def text(self, element: etree._Element, path: str) -> str:
        """Text at a slash-separated path of local names; a name starting with ``~`` is in the base schema."""
        node = element
        for part in path.split("/"):
            found = node.find(self.b(part[1:]) if part.startswith("~") else self.m(part))
            if found is None:
                return ""
            node = found
        return (node.text or "").strip()

    def day(self, element: etree._Element, path: str) -> dt.date | None:
        value = self.text(element, path)
        return _date(value, path.replace("~", "")) if value else None

    def path(self, element: etree._Element) -> str:
        return self.tree.getroottree().getpath(element)


@dataclass
class Result:
    status: str
    errors: list[str]
    answer: Message | None = None


def import_file(path: Path, *, out: Path) -> Outcome:
    """Validate and process one file; never raises for anything in the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return Outcome(str(path), "invalid", [f"bestand: kan niet worden gelezen ({error.strerror})"])
    return import_document(data, name=str(path), out=out)


def import_document(data: bytes, *, name: str, out: Path | None) -> Outcome:
    """Validate and process one message; its answer is written to ``out`` at once, or, without ``out``,
    stays queued for the next export. Never raises for anything in the message: what the gates below do
    not foresee is logged and reported as invalid, and its transaction leaves nothing behind."""
    try:
        return _import(data, name=name, out=out)
    except Unreadable as error:
        return Outcome(name, "invalid", [str(error)])
    except Exception:  # a safety net: one file must never stop the files after it
        logger.exception("istandaarden import: %s kon niet worden verwerkt", name)
        return Outcome(
            name, "invalid", ["bericht: kon niet worden verwerkt (zie het applicatielog); er is niets vastgelegd"]
        )


def _import(data: bytes, *, name: str, out: Path | None) -> Outcome:
    try:
        tree = messages.parse(data)
    except etree.XMLSyntaxError as error:
        return Outcome(name, "invalid", [f"regel {error.lineno or 0}: geen geldige XML: {error.msg}"])
    info = tree.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        return Outcome(name, "invalid", ["regel 1: een DOCTYPE hoort niet in een iWmo- of iJw-bericht"])
    if data.startswith(b"\xef\xbb\xbf"):
        return Outcome(
            name, "invalid", ["regel 1: het bericht begint met een byte-order-mark; de standaard staat die niet toe"]
        )
    if (info.encoding or "").upper() != "UTF-8":
        return Outcome(name, "invalid", [f"regel 1: het bericht is {info.encoding}; de standaard vraagt UTF-8"])
    qname = etree.QName(tree)
    match = _NAMESPACE.match(qname.namespace or "")
    if not match or qname.localname != "Bericht" or (match[1] == "iwmo") != (match[2] == "wmo"):
        return Outcome(
            name,
            "invalid",
            [f"regel {tree.sourceline or 1}, {qname.localname}: geen iWmo- of iJw-bericht van release 3.2"],
        )
    standard, code = ("WMO" if match[1] == "iwmo" else "JW"), match[3]
    if code not in INCOMING:
        return Outcome(name, "invalid", [f"{standard}{code}: dit bericht stuurt een aanbieder niet naar de gemeente"])
    problems = messages.validate(standard, code, tree)
    if problems:
        return Outcome(name, "invalid", [str(problem) for problem in problems[:20]])
    base, own = messages.namespaces(standard, code)
    header = tree.find(f"{{{own}}}Header")
    assert header is not None  # noqa: S101 - required by the XSD

    def head(tag: str) -> str:
        return (header.findtext(f"{{{own}}}{tag}") or "").strip()

    if head("BerichtCode") != MESSAGE_CODES[(standard, code)]:
        return Outcome(
            name,
            "invalid",
            [f"Header/BerichtCode: {head('BerichtCode')} hoort niet bij {standard}{code}"],
        )
    is_retour = code in RETOURS
    agb, gemeente = (head("Ontvanger"), head("Afzender")) if is_retour else (head("Afzender"), head("Ontvanger"))
    ident = header.find(f"{{{own}}}BerichtIdentificatie")
    assert ident is not None  # noqa: S101
    identification = head("IdentificatieRetour") if is_retour else (ident.findtext(f"{{{base}}}Identificatie") or "")
    dated = _date(
        head("DagtekeningRetour") if is_retour else (ident.findtext(f"{{{base}}}Dagtekening") or ""),
        "Header/DagtekeningRetour" if is_retour else "Header/BerichtIdentificatie/Dagtekening",
    )
    municipality = Municipality.objects.filter(code=gemeente).first()
    if municipality is None:
        side = "Afzender" if is_retour else "Ontvanger"
        return Outcome(name, "rejected", [f"Header/{side}: gemeentecode {gemeente} is geen gemeente van deze Toegang"])
    provider = Provider.objects.filter(agb_code=agb).first()
    if provider is None:
        side = "Ontvanger" if is_retour else "Afzender"
        return Outcome(name, "rejected", [f"Header/{side}: AGB-code {agb} is geen bekende aanbieder"])
    context = Context(
        tree=tree,
        xml=data.decode("utf-8"),
        standard=standard,
        code=code,
        municipality=municipality,
        provider=provider,
        identification=identification,
        dated=dated,
        refers_to=(ident.findtext(f"{{{base}}}Identificatie") or "") if is_retour else "",
        received=today(),
    )
    duplicate = [f"Header: {explain('9056')} Bericht {identification} van {provider.agb_code} is al ontvangen."]
    if _received_before(context):
        return Outcome(name, "rejected", duplicate)
    try:
        with transaction.atomic():
            # one provider's messages one after the other: uniqueness checks (9056, 9333, 8021, 9347)
            # and volumes already claimed hold under concurrent imports
            Provider.objects.select_for_update().filter(pk=provider.pk).first()
            if _received_before(context):
                return Outcome(name, "rejected", duplicate)
            result = HANDLERS[code](context)
    except IntegrityError:  # the same file imported at the same moment by another process
        return Outcome(name, "rejected", duplicate)
    answer = None
    if result.answer is not None and out is not None:
        try:
            written = services.export_pending(out=out, only=[result.answer.pk])
            answer = str(written[0]) if written else None  # else a concurrent export sent it already
        except OSError as error:  # the answer stays queued for the next export
            result.errors.append(
                f"antwoord: kon niet worden weggeschreven ({error.strerror}); het staat klaar voor de volgende export"
            )
    return Outcome(name, result.status, result.errors, answer)


def _received_before(context: Context) -> bool:
    return Message.objects.filter(
        direction=Message.Direction.IN,
        standard=context.standard,
        code=context.code,
        identification=context.identification,
        provider=context.provider,
    ).exists()


def _store(
    context: Context,
    *,
    rejected: bool,
    person_id: int | None,
    summary: str,
    codes: set[str],
    answers: Message | None = None,
    due_on: dt.date | None = None,
    reference: str = "",
) -> Message:
    incoming = Message.objects.create(
        reference=reference,
        direction=Message.Direction.IN,
        standard=context.standard,
        code=context.code,
        identification=context.identification,
        dated=context.dated,
        provider=context.provider,
        municipality=context.municipality,
        person_id=person_id,
        xml=context.xml,
        status=Message.Status.REJECTED if rejected else Message.Status.ACCEPTED,
        answers=answers,
        codes=",".join(sorted(codes))[:200],
        summary=summary[:300],
        due_on=due_on,
    )
    return incoming


def _log(context: Context, incoming: Message, subjects: set[int]) -> None:
    audit.record(
        actor=None,
        actor_name="istandaarden import",
        action=audit.Action.CREATE,
        obj=incoming,
        subjects=sorted(subjects),
        detail=f"{incoming.name} {incoming.identification} van {context.provider.agb_code}: {incoming.summary}"[:300],
    )


def _retour(
    context: Context, incoming: Message, codes: dict[str, list[str]], header: list[str] | None, person_id: int | None
) -> Message:
    answer_code = messages.RETOUR[context.code]
    return services.new_outgoing(
        standard=context.standard,
        code=answer_code,
        provider=context.provider,
        municipality=context.municipality,
        build=lambda identification, now: messages.build_retour(
            context.tree,
            context.standard,
            context.code,
            identification=identification,
            now=now,
            codes=codes,
            header_codes=header,
        ),
        person_id=person_id,
        answers=incoming,
        summary=f"Retour op {incoming.name} {incoming.identification}",
    )


def _errors(found: dict[str, list[str]], labels: dict[str, str]) -> list[str]:
    return [f"{labels[path]}: {explain(code)}" for path, codes in found.items() for code in codes if code != ACCEPTED]


def _verdict(
    context: Context, found: dict[str, list[str]], records: list[etree._Element]
) -> tuple[list[str] | None, bool, set[str]]:
    """The outcome of a start, stop or request message: refused whole when it is dated in the future
    (8848); when any record is refused, nothing is applied and the other records are "niet beoordeeld"
    (0233). Returns the header codes, whether it was refused, and every code used."""
    header = ["8848"] if _future(context) else None
    rejected = bool(header) or bool(found)
    if rejected:
        for record in records:
            found.setdefault(context.path(record), [NOT_ASSESSED])
    return header, rejected, {code for codes in found.values() for code in codes} | set(header or []) or {ACCEPTED}


def _result(
    rejected: bool, header: list[str] | None, found: dict[str, list[str]], labels: dict[str, str], answer: Message
) -> Result:
    errors = [f"Header/Dagtekening: {explain('8848')}"] if header else []
    return Result("rejected" if rejected else "accepted", errors + _errors(found, labels), answer)


def _future(context: Context) -> bool:
    return context.dated > context.received


def _person_by_bsn(context: Context, bsn: str) -> Person | None:
    """The resident with this BSN in a household of the receiving municipality (now or before); a
    person known only elsewhere stays unknown here."""
    return Person.objects.filter(bsn=bsn, memberships__household__municipality=context.municipality).first()


# --- retours from the provider: 302 on our 301, 320 on our 319 --------------------------------------------


def _handle_retour(context: Context) -> Result:
    ours = Message.objects.filter(
        direction=Message.Direction.OUT,
        standard=context.standard,
        code=RETOURS[context.code],
        identification=context.refers_to,
        provider=context.provider,
    ).first()
    if ours is None:
        return Result("rejected", [f"Header/BerichtIdentificatie: {explain('9063')} ({context.refers_to})"])
    if _future(context):
        return Result("rejected", [f"Header/DagtekeningRetour: {explain('8848')}"])
    codes = {node.text or "" for node in context.tree.iter(context.m("RetourCode"))} - {ACCEPTED}
    verdict = "akkoord" if not codes else "afgekeurd: " + ", ".join(sorted(codes))
    incoming = _store(
        context,
        rejected=False,
        person_id=ours.person_id,
        summary=f"Retour op {ours.name} {ours.identification}: {verdict}",
        codes=codes or {ACCEPTED},
        answers=ours,
    )
    ours.answered_on, ours.codes = context.received, ",".join(sorted(codes or {ACCEPTED}))
    ours.save(update_fields=["answered_on", "codes"])
    _log(context, incoming, {ours.person_id} if ours.person_id else set())
    return Result("accepted", [])


# --- start (305) and stop (307) of care --------------------------------------------------------------------


def _assigned(context: Context, bsn: str, numbers: list[int]) -> dict[int, Provision]:
    """The provisions with these numbers assigned to this provider, for this client, under this law and
    municipality, in a decision made known."""
    return {
        provision.pk: provision
        for provision in Provision.objects.filter(
            pk__in=numbers,
            provider=context.provider,
            delivery=Provision.Delivery.IN_KIND,
            decision__status=Decision.Status.SENT,
            decision__procedure__law=context.law,
            decision__procedure__person__bsn=bsn,
            decision__procedure__trajectory__household__municipality=context.municipality,
        ).select_related("decision__procedure")
    }


def _number(text: str) -> int | None:
    return whole_number(text, digits=9)


def _handle_regie(context: Context) -> Result:
    stop = context.code == "307"
    client = context.tree.find(context.m("Client"))
    assert client is not None  # noqa: S101
    bsn = context.text(client, "Bsn")
    tag = "StopProduct" if stop else "StartProduct"
    records = list(client.iter(context.m(tag)))
    provisions = _assigned(context, bsn, [n for r in records if (n := _number(context.text(r, "ToewijzingNummer")))])
    found: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    changes: list[tuple[Provision, dict[str, Any]]] = []
    for position, record in enumerate(records, start=1):
        path = context.path(record)
        labels[path] = f"{tag} {position} (toewijzing {context.text(record, 'ToewijzingNummer') or '-'})"
        provision = provisions.get(_number(context.text(record, "ToewijzingNummer")) or 0)
        status = context.text(record, "StatusAanlevering")
        begin = context.day(record, "Begindatum")
        paused = provision is not None and provision.stopped_on is not None and provision.stop_reason == "20"
        if provision is None:
            found[path] = ["9019"]
        elif not stop and status == "1" and provision.started_on is not None and not paused:
            found[path] = ["9074"]  # a new start only after a temporary stop (reason 20)
        elif not stop and status == "3" and provision.started_on is None:
            found[path] = ["9063"]
        elif not stop and status == "3" and provision.stopped_on is not None:
            found[path] = ["9071"]
        elif stop and provision.started_on != begin:
            found[path] = ["9069"]
        elif stop and status == "1" and provision.stopped_on is not None:
            found[path] = ["9074"]
        elif stop and status == "3" and provision.stopped_on is None:
            found[path] = ["9063"]
        elif stop:
            gone = status == "3"
            changes.append(
                (provision, {"stopped_on": None if gone else context.day(record, "Einddatum"),
                             "stop_reason": "" if gone else context.text(record, "RedenBeeindiging")})
            )  # fmt: skip
        elif status == "3":
            changes.append((provision, {"started_on": None}))
        else:  # a first start, a corrected start, or a start again after a temporary stop
            changes.append((provision, {"started_on": begin, "stopped_on": None, "stop_reason": ""}))
    header, rejected, all_codes = _verdict(context, found, records)
    if not rejected:
        for provision, values in changes:
            for name, value in values.items():
                setattr(provision, name, value)
            provision.save(update_fields=list(values))
    person = next(iter(provisions.values())).decision.procedure.person_id if provisions else None
    if person is None:
        resident = _person_by_bsn(context, bsn)
        person = resident.pk if resident else None
    word = "Stop" if stop else "Start"
    summary = f"{word} van {len(records)} product(en)" + (": afgekeurd" if rejected else "")
    incoming = _store(context, rejected=rejected, person_id=person, summary=summary, codes=all_codes)
    answer = _retour(context, incoming, found, header, person)
    incoming.answered_on = context.received
    incoming.save(update_fields=["answered_on"])
    _log(context, incoming, {person} if person else set())
    return _result(rejected, header, found, labels, answer)


# --- requests for assignment (315) and for change (317) ----------------------------------------------------


def _product_values(context: Context, record: etree._Element) -> dict[str, Any]:
    volume = context.text(record, "Omvang/~Volume")
    budget = context.text(record, "Budget")
    category = context.text(record, "Product/~Categorie")
    return {
        "categorie": category,
        "categorie_naam": context.category_names.get(category, ""),
        "code": context.text(record, "Product/~Code"),
        "volume": int(volume) if volume else None,
        "eenheid": context.text(record, "Omvang/~Eenheid"),
        "frequentie": context.text(record, "Omvang/~Frequentie"),
        "budget": int(budget) if budget else None,
    }


def _handle_vot(context: Context) -> Result:
    client = context.tree.find(context.m("Client"))
    assert client is not None  # noqa: S101
    bsn = context.text(client, "Bsn")
    person = _person_by_bsn(context, bsn)
    records = list(client.iter(context.m("AangevraagdProduct")))
    references = [context.text(r, "ReferentieAanbieder") for r in records]
    known = dict(
        Request.objects.filter(provider=context.provider, law=context.law, reference__in=references).values_list(
            "reference", "status"
        )
    )
    found: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for position, (record, reference) in enumerate(zip(records, references, strict=True), start=1):
        path = context.path(record)
        labels[path] = f"AangevraagdProduct {position} (referentie {reference})"
        if reference in known or reference in seen:
            found[path] = ["9347"]
        seen.add(reference)
    header, rejected, all_codes = _verdict(context, found, records)
    due = add_working_days(context.received, services.ANSWER_DAYS)
    name = context.text(client, "Naam/~Geslachtsnaam/~Achternaam")
    incoming = _store(
        context,
        rejected=rejected,
        person_id=person.pk if person else None,
        summary=f"Verzoek om toewijzing van {len(records)} product(en)" + (": afgekeurd" if rejected else ""),
        codes=all_codes,
        due_on=None if rejected else due,
    )
    if not rejected:
        Request.objects.bulk_create(
            Request(
                message=incoming,
                kind=Request.Kind.VOT,
                provider=context.provider,
                municipality=context.municipality,
                law=context.law,
                person=person,
                bsn=bsn,
                reference=reference,
                products=[
                    {
                        **_product_values(context, record),
                        "soort": "nieuw",
                        "ingang": context.text(record, "ToewijzingIngangsdatum"),
                        "einde": context.text(record, "ToewijzingEinddatum"),
                        "verwijzer": context.text(record, "Verwijzer/~Type"),
                        "naam": name,
                    }
                ],
                received_on=context.received,
                due_on=due,
            )
            for record, reference in zip(records, references, strict=True)
        )
    answer = _retour(context, incoming, found, header, person.pk if person else None)
    _log(context, incoming, {person.pk} if person else set())
    return _result(rejected, header, found, labels, answer)


def _current_assignments(context: Context, bsn: str) -> dict[int, Provision]:
    on = context.received
    return {
        provision.pk: provision
        for provision in Provision.objects.filter(
            provider=context.provider,
            delivery=Provision.Delivery.IN_KIND,
            decision__status=Decision.Status.SENT,
            decision__procedure__law=context.law,
            decision__procedure__person__bsn=bsn,
            decision__procedure__trajectory__household__municipality=context.municipality,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on), stopped_on__isnull=True)
        .exclude(assigned_until__lt=on)
        .select_related("category")
    }


def _handle_vow(context: Context) -> Result:
    client = context.tree.find(context.m("Client"))
    assert client is not None  # noqa: S101
    bsn = context.text(client, "Bsn")
    person = _person_by_bsn(context, bsn)
    request = client.find(context.m("Verzoek"))
    assert request is not None  # noqa: S101
    reference = context.text(request, "ReferentieAanbieder")
    current = _current_assignments(context, bsn)
    found: dict[str, list[str]] = {}
    labels: dict[str, str] = {context.path(request): f"Verzoek (referentie {reference})"}
    items: list[dict[str, Any]] = []
    listed: set[int] = set()
    for tag, soort, code in (("OngewijzigdProduct", "ongewijzigd", "9350"), ("TeWijzigenProduct", "wijzigen", "9351")):
        for position, record in enumerate(request.iter(context.m(tag)), start=1):
            number = _number(context.text(record, "ToewijzingNummer")) or 0
            labels[context.path(record)] = f"{tag} {position} (toewijzing {number})"
            if number not in current:
                found[context.path(record)] = [code]
            listed.add(number)
            item: dict[str, Any] = {"soort": soort, "toewijzing": number}
            if number in current:
                item |= {"categorie": current[number].category.code, "categorie_naam": current[number].category.name}
            if soort == "wijzigen":
                item |= {k: v for k, v in _product_values(context, record).items() if v not in ("", None)} | {
                    "ingang": context.text(record, "GewensteIngangsdatum"),
                    "einde": context.text(record, "Einddatum"),
                }
            items.append(item)
    for position, record in enumerate(request.iter(context.m("NieuwProduct")), start=1):
        labels[context.path(record)] = f"NieuwProduct {position}"
        items.append(
            _product_values(context, record)
            | {
                "soort": "nieuw",
                "ingang": context.text(record, "GewensteIngangsdatum"),
                "einde": context.text(record, "Einddatum"),
            }
        )
    verzoek: list[str] = []
    if Request.objects.filter(provider=context.provider, law=context.law, reference=reference).exists():
        verzoek.append("9347")
    if Request.objects.filter(
        provider=context.provider,
        law=context.law,
        bsn=bsn,
        kind=Request.Kind.VOW,
        status__in=(Request.Status.OPEN, Request.Status.INVESTIGATING),
    ).exists():
        verzoek.append("9374")
    if not set(current) <= listed:
        verzoek.append("9349")
    if verzoek:
        found[context.path(request)] = verzoek
    parts = request.iter(context.m("OngewijzigdProduct"), context.m("TeWijzigenProduct"), context.m("NieuwProduct"))
    header, rejected, all_codes = _verdict(context, found, [request, *parts])
    due = add_working_days(context.received, services.ANSWER_DAYS)
    incoming = _store(
        context,
        rejected=rejected,
        person_id=person.pk if person else None,
        summary=f"Verzoek om wijziging (referentie {reference})" + (": afgekeurd" if rejected else ""),
        reference=reference,
        codes=all_codes,
        due_on=None if rejected else due,
    )
    if not rejected:
        Request.objects.create(
            message=incoming,
            kind=Request.Kind.VOW,
            provider=context.provider,
            municipality=context.municipality,
            law=context.law,
            person=person,
            bsn=bsn,
            reference=reference,
            products=items,
            received_on=context.received,
            due_on=due,
        )
    answer = _retour(context, incoming, found, header, person.pk if person else None)
    _log(context, incoming, {person.pk} if person else set())
    return _result(rejected, header, found, labels, answer)


# --- claims (323) ------------------------------------------------------------------------------------------


def allowed_volume(provision: Provision, start: dt.date, end: dt.date) -> int | None:
    """The volume the assignment allows within [start, end] (clipped to its own period), by its frequency;
    None for a total over the whole assignment (checked cumulatively) or an assignment without volume."""
    if provision.volume is None or provision.frequency == Provision.Frequency.TOTAL:
        return None
    first = max(start, provision.start_date)
    last = min(end, provision.assigned_end) if provision.assigned_end else end
    days = (last - first).days + 1
    if days <= 0:
        return 0
    if provision.frequency == Provision.Frequency.PER_DAY:
        return provision.volume * days
    if provision.frequency == Provision.Frequency.PER_WEEK:
        return math.ceil(provision.volume * days / 7)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return provision.volume * months


@dataclass
class _Granted:
    """What an assignment has already been granted: net volume and amount, and per line its period."""

    volume: int = 0
    amount: int = 0
    periods: list[tuple[dt.date, dt.date, int]] = field(default_factory=list)  # (start, end, signed volume)

    def add(self, start: dt.date, end: dt.date, volume: int, amount: int, credit: bool) -> None:
        sign = -1 if credit else 1
        self.volume += sign * volume
        self.amount += sign * amount
        self.periods.append((start, end, sign * volume))

    def overlapping(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date, int]:
        """The span of the lines that overlap [start, end] together with it, and their net volume."""
        hits = [(s, e, v) for s, e, v in self.periods if s <= end and e >= start]
        return (
            min([start, *(s for s, _e, _v in hits)]),
            max([end, *(e for _s, e, _v in hits)]),
            sum(v for _s, _e, v in hits),
        )


def _judge(
    context: Context, lines: list[tuple[str, etree._Element]], period: tuple[dt.date, dt.date]
) -> tuple[list[Judged], list[ClaimLine], int, list[str]]:
    """Every prestatie of a claim against its assignment and what was granted before (DOMAIN.md §2.3):
    client, product, unit, period, tariff, volume per period and in total, budget; a credit line has a
    reference of its own and names the debit it reverses (VorigReferentieNummer), with the same values."""
    numbers = {n for _b, p in lines if (n := _number(context.text(p, "ToewijzingNummer")))}
    provisions = {
        p.pk: p
        for p in Provision.objects.select_for_update(of=("self",))
        .filter(
            pk__in=numbers,
            provider=context.provider,
            delivery=Provision.Delivery.IN_KIND,
            decision__status=Decision.Status.SENT,
            decision__procedure__law=context.law,
            decision__procedure__trajectory__household__municipality=context.municipality,
        )
        .select_related("category", "decision__procedure__person")
    }
    references = [context.text(p, "ProductReferentie/~ReferentieNummer") for _b, p in lines]
    previous = [context.text(p, "ProductReferentie/~VorigReferentieNummer") for _b, p in lines]
    known: dict[str, ClaimLine] = {}  # granted lines of this provider and standard by reference
    reversed_: set[str] = set()  # references of debit lines already reversed by a granted credit
    for line in ClaimLine.objects.filter(
        Q(reference__in=references)
        | Q(reference__in=[p for p in previous if p])
        | Q(previous_reference__in=[p for p in previous if p]),
        message__provider=context.provider,
        message__standard=context.standard,
        approved=True,
    ).only(
        "reference",
        "previous_reference",
        "credit",
        "volume",
        "amount_cents",
        "assignment_number",
        "period_start",
        "period_end",
    ):
        known[line.reference] = line
        if line.credit:
            reversed_.add(line.previous_reference)
    granted_before: dict[int, _Granted] = defaultdict(_Granted)
    for pk, was_credit, was_volume, was_amount, was_start, was_end in ClaimLine.objects.filter(
        provision_id__in=provisions, approved=True
    ).values_list("provision_id", "credit", "volume", "amount_cents", "period_start", "period_end"):
        granted_before[pk].add(was_start, was_end, was_volume, was_amount, was_credit)
    judged: list[Judged] = []
    new_lines: list[ClaimLine] = []
    errors: list[str] = []
    granted = 0
    for position, ((bsn, prestatie), reference, before) in enumerate(
        zip(lines, references, previous, strict=True), start=1
    ):
        t = lambda path, p=prestatie: context.text(p, path)  # noqa: E731
        credit = t("IngediendBedrag/~DebetCredit") == "C"
        start = context.day(prestatie, "ProductPeriode/~Begindatum")
        end = context.day(prestatie, "ProductPeriode/~Einddatum")
        assert start and end  # noqa: S101 - required by the XSD
        volume, amount = int(t("GeleverdVolume")), int(t("IngediendBedrag/~Bedrag"))
        rate = int(t("ProductTarief")) if t("ProductTarief") else None
        number = _number(t("ToewijzingNummer")) or 0
        provision = provisions.get(number)
        codes: list[str] = []
        if provision is None:
            codes.append("9338")
        elif provision.decision.procedure.person.bsn != bsn:
            codes.append("8187")
        else:
            if t("ProductCategorie") != provision.category.code:
                codes.append("9339")
            if provision.product_code and t("ProductCode") != provision.product_code:
                codes.append("9340")
            if provision.unit and t("Eenheid") != provision.unit:
                codes.append("9341")
            until = provision.assigned_end
            if start < provision.start_date or (until and start > until):
                codes.append("9307")
            if end < provision.start_date or (until and end > until):
                codes.append("9308")
        if start < period[0] or end > period[1]:
            codes.append("9319")
        if rate is not None and t("Eenheid") != "83" and amount != volume * rate:
            codes.append("9346")
        if reference in known:
            codes.append("8021")  # a reference is used once, credit lines included
        elif credit:
            debit = known.get(before) if before else None
            if debit is None or debit.credit:
                codes.append("8017")
            elif before in reversed_:
                codes.append("9390")
            elif (debit.volume, debit.amount_cents, debit.assignment_number, debit.period_start, debit.period_end) != (
                volume, amount, number, start, end,
            ):  # fmt: skip
                codes.append("8017")  # a credit repeats its debit exactly
        if provision is not None and not codes and not credit:
            so_far = granted_before[provision.pk]
            first, last, claimed = so_far.overlapping(start, end)
            single = allowed_volume(provision, start, end)
            if single is not None and volume > single:
                codes.append("9321")
            elif single is not None and claimed + volume > (allowed_volume(provision, first, last) or 0):
                codes.append("9322")  # with what was granted before for the same period
            elif (
                provision.volume is not None
                and provision.frequency == Provision.Frequency.TOTAL
                and so_far.volume + volume > provision.volume
            ):
                codes.append("9322")
            elif provision.budget_cents is not None and so_far.amount + amount > provision.budget_cents:
                codes.append("9369")
        approved = not codes
        line = ClaimLine(
            provision=provision,
            bsn=bsn,
            reference=reference,
            previous_reference=before if credit else "",
            assignment_number=number,
            category=t("ProductCategorie"),
            product_code=t("ProductCode"),
            period_start=start,
            period_end=end,
            volume=volume,
            unit=t("Eenheid"),
            rate_cents=rate,
            amount_cents=amount,
            credit=credit,
            approved=approved,
            codes=",".join(codes or [ACCEPTED]),
        )
        if approved and provision is not None:
            granted_before[provision.pk].add(start, end, volume, amount, credit)
            granted += -amount if credit else amount
            known[reference] = line
            if credit:
                reversed_.add(before)
        judged.append(Judged(prestatie, bsn, tuple(codes or [ACCEPTED])))
        new_lines.append(line)
        errors += [f"Prestatie {position} (referentie {reference}): {explain(code)}" for code in codes]
    return judged, new_lines, granted, errors


def _handle_claim(context: Context) -> Result:
    declaration = context.tree.find(context.m("Declaratie"))
    assert declaration is not None  # noqa: S101
    number = context.text(declaration, "DeclaratieNummer")
    period_start = context.day(declaration, "DeclaratiePeriode/~Begindatum")
    period_end = context.day(declaration, "DeclaratiePeriode/~Einddatum")
    claimed_on = context.day(declaration, "DeclaratieDagtekening")
    assert period_start and period_end and claimed_on  # noqa: S101 - required by the XSD
    lines: list[tuple[str, etree._Element]] = [
        (context.text(client, "Bsn"), prestatie)
        for client in declaration.iter(context.m("Client"))
        for prestatie in client.iter(context.m("Prestatie"))
    ]

    def signed(element: etree._Element, path: str) -> int:
        amount = int(context.text(element, f"{path}/~{'TotaalBedrag' if 'Totaal' in path else 'Bedrag'}") or 0)
        return -amount if context.text(element, f"{path}/~DebetCredit") == "C" else amount

    header: list[str] = []
    errors: list[str] = []
    if _future(context) or claimed_on > context.received:
        header, errors = ["8848"], [f"Header/Dagtekening: {explain('8848')}"]
    elif Message.objects.filter(
        direction=Message.Direction.IN,
        code="323",
        provider=context.provider,
        standard=context.standard,
        reference=number,
    ).exists():
        header, errors = ["9333"], [f"Declaratie/DeclaratieNummer: {explain('9333')} ({number})"]
    elif signed(declaration, "TotaalIngediendBedrag") != sum(signed(p, "IngediendBedrag") for _b, p in lines):
        header = ["0001"]
        errors = [
            "Declaratie/TotaalIngediendBedrag: is niet de som van de ingediende bedragen (0001 technisch afgekeurd)"
        ]
    judged: list[Judged] = []
    new_lines: list[ClaimLine] = []
    granted = 0
    if not header:
        judged, new_lines, granted, line_errors = _judge(context, lines, (period_start, period_end))
        errors += line_errors
        header = ["8001"] if all(line.approved for line in judged) else [ACCEPTED]
    rejected = header not in (["8001"],)
    persons = {line.provision.decision.procedure.person_id for line in new_lines if line.provision is not None}
    submitted = signed(declaration, "TotaalIngediendBedrag")
    summary = (
        f"Declaratie {number}: {len(lines)} prestatie(s), ingediend {euros(submitted)}, toegekend {euros(granted)}"
    )
    incoming = _store(
        context,
        rejected=rejected,
        person_id=next(iter(persons)) if len(persons) == 1 else None,
        summary=summary,
        codes=set(header) | {code for line in judged for code in line.codes},
        due_on=add_working_days(context.received, services.CLAIM_DAYS),
        # a claim refused as a whole counts as never sent: its number may come again (9333 only after)
        reference=number if header in (["8001"], [ACCEPTED]) else "",
    )
    for line in new_lines:
        line.message = incoming
    ClaimLine.objects.bulk_create(new_lines, batch_size=2000)
    answer = services.new_outgoing(
        standard=context.standard,
        code="325",
        provider=context.provider,
        municipality=context.municipality,
        build=lambda identification, now: messages.build_claim_answer(
            context.tree,
            context.standard,
            identification=identification,
            now=now,
            judged=judged,
            header_codes=header,
            granted_cents=granted,
        ),
        person_id=incoming.person_id,
        answers=incoming,
        summary=f"Antwoord op declaratie {number}: toegekend {euros(granted)}",
    )
    incoming.answered_on = context.received
    incoming.save(update_fields=["answered_on"])
    _log(context, incoming, persons)
    return Result("rejected" if rejected else "accepted", errors, answer)


HANDLERS: dict[str, Callable[[Context], Result]] = {
    "302": _handle_retour,
    "320": _handle_retour,
    "305": _handle_regie,
    "307": _handle_regie,
    "315": _handle_vot,
    "317": _handle_vow,
    "323": _handle_claim,
}
