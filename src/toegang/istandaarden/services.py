"""Outgoing iStandaarden messages: a decision made known with care in kind queues one toewijzing (301)
per provider; a provider's request (315/317) is answered with a 301 or a 319 from the work queue; the
export writes pending messages as files for the transport (a directory by default)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from toegang.accounts.models import Municipality, User
from toegang.audit import services as audit
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.istandaarden import messages
from toegang.istandaarden.models import Message, Request
from toegang.procedures.calendar import add_working_days
from toegang.procedures.models import Decision, Provider, Provision

RETOUR_DAYS = 3  # a retour within three working days (DOMAIN.md §2.3)
ANSWER_DAYS = 5  # a 301 or 319 to a request within five working days
INVESTIGATION_WEEKS = 8  # after "aanvraag in onderzoek": the final answer within eight weeks of the request
CLAIM_DAYS = 10  # a 325 to every claim within ten working days


def new_outgoing(
    *,
    standard: str,
    code: str,
    provider: Provider,
    municipality: Municipality,
    build: Callable[[str, dt.datetime], bytes],
    person_id: int | None = None,
    decision: Decision | None = None,
    answers: Message | None = None,
    summary: str = "",
    due_on: dt.date | None = None,
) -> Message:
    """Store a message the municipality sends, numbered by its own row (``000123``), built and checked
    against the XSD by ``build(identification, now)``; it waits for the export."""
    now = timezone.localtime()
    message = Message.objects.create(
        direction=Message.Direction.OUT,
        standard=standard,
        code=code,
        identification=uuid.uuid4().hex[:12],  # replaced below by the row's own number
        dated=now.date(),
        provider=provider,
        municipality=municipality,
        person_id=person_id,
        decision=decision,
        answers=answers,
        xml="",
        status=Message.Status.PENDING,
        summary=summary[:300],
        due_on=due_on,
    )
    message.identification = f"{message.pk:06d}"
    message.xml = build(message.identification, now).decode()
    message.save(update_fields=["identification", "xml"])
    return message


def queue_assignments(decision: Decision, *, actor: User | None = None) -> list[Message]:
    """Inside the transaction that makes the decision known: one 301 per provider of its provisions in
    kind. A decision under a law without iStandaarden (Participatiewet) or with only pgb sends none. A
    provision that matches an open request for assignment (315) of that provider for this client (same
    product category) answers it: the 301 carries the provider's reference."""
    return queue_assignments_for([decision.pk], actor=actor)


def queue_assignments_for(decision_ids: list[int], *, actor: User | None = None) -> list[Message]:
    """``queue_assignments`` for many decisions at once (for example a re-assignment of every client after
    a contract change): a fixed number of queries whatever the number of decisions, the messages written
    with two bulk statements. Runs inside the caller's transaction."""
    decisions = {
        d.pk: d
        for d in Decision.objects.filter(pk__in=decision_ids, procedure__law__in=messages.STANDARDS).select_related(
            "procedure__person", "procedure__trajectory__household__municipality"
        )
    }
    # one 301 per client, provider and law
    groups: dict[tuple[int, int, str], list[Provision]] = defaultdict(list)
    for provision in (
        Provision.objects.filter(decision_id__in=decisions, delivery=Provision.Delivery.IN_KIND, provider__isnull=False)
        .select_related("category", "provider")
        .order_by("pk")
    ):
        procedure = decisions[provision.decision_id].procedure
        groups[(procedure.person_id, provision.provider_id or 0, procedure.law)].append(provision)
    # a 301 holds every assignment of the client at that provider that is current on or after today, not
    # only the new ones (iWmo/iJw 3.2 rule OP087)
    running: dict[tuple[int, int, str], list[Provision]] = defaultdict(list)
    for provision in (
        Provision.objects.filter(
            decision__status=Decision.Status.SENT,
            decision__procedure__person_id__in={d.procedure.person_id for d in decisions.values()},
            decision__procedure__law__in=messages.STANDARDS,
            delivery=Provision.Delivery.IN_KIND,
            provider_id__in={provider for _person, provider, _law in groups},
        )
        .exclude(decision_id__in=decisions)
        .filter(
            Q(assigned_until__gte=today())
            | Q(assigned_until__isnull=True, end_date__gte=today())
            | Q(assigned_until__isnull=True, end_date__isnull=True)
        )
        .select_related("category", "provider", "decision__procedure")
        .order_by("pk")
    ):
        procedure = provision.decision.procedure
        running[(procedure.person_id, provision.provider_id or 0, procedure.law)].append(provision)
    open_requests: dict[tuple[int, int | None, str], list[Request]] = defaultdict(list)
    for request in Request.objects.filter(
        person_id__in={d.procedure.person_id for d in decisions.values()},
        kind=Request.Kind.VOT,
        status__in=(Request.Status.OPEN, Request.Status.INVESTIGATING),
    ).order_by("received_on", "pk"):
        open_requests[(request.provider_id, request.person_id, request.law)].append(request)
    now = timezone.localtime()
    planned: list[tuple[Message, list[Provision], dict[int, Request]]] = []
    for (person_id, provider_id, law), provisions in groups.items():
        decision = decisions[provisions[-1].decision_id]
        procedure = decision.procedure
        waiting = open_requests[(provider_id, person_id, law)]
        answered: dict[int, Request] = {}
        for provision in provisions:  # a new assignment may answer a request for assignment
            match = next((r for r in waiting if r.products[0]["categorie"] == provision.category.code), None)
            if match is not None:
                answered[provision.pk] = match
                waiting.remove(match)
        provisions[:0] = running[(person_id, provider_id, law)]  # and the assignments that keep running
        message = Message(
            direction=Message.Direction.OUT,
            standard=messages.STANDARDS[procedure.law],
            code="301",
            identification=uuid.uuid4().hex[:12],  # replaced below by the row's own number
            dated=now.date(),
            provider=provisions[0].provider,
            municipality=procedure.trajectory.household.municipality,
            person_id=procedure.person_id,
            decision=decision,
            xml="",
            status=Message.Status.PENDING,
            summary=f"Toewijzing van {len(provisions)} product(en)",
        )
        planned.append((message, provisions, answered))
    if not planned:
        return []
    created = Message.objects.bulk_create([message for message, _p, _a in planned], batch_size=EXPORT_BATCH)
    for (message, provisions, answered), row in zip(planned, created, strict=True):
        procedure = message.decision.procedure  # type: ignore[union-attr]
        message.pk = row.pk
        message.identification = f"{row.pk:06d}"
        message.xml = messages.build_assignment(
            law=procedure.law,
            municipality_code=procedure.trajectory.household.municipality.code,
            provider=provisions[0].provider,  # type: ignore[arg-type]
            person=procedure.person,
            provisions=provisions,
            identification=message.identification,
            now=now,
            references={pk: request.reference for pk, request in answered.items()},
        ).decode()
    if len(planned) == 1:  # one decision made known: a plain UPDATE is cheaper than bulk_update's CASE
        planned[0][0].save(update_fields=["identification", "xml"])
    else:
        Message.objects.bulk_update([m for m, _p, _a in planned], ["identification", "xml"], batch_size=EXPORT_BATCH)
    for message, _provisions, answered in planned:
        for request in answered.values():
            _close_request(request, message, Request.Status.ASSIGNED, actor)
    return [message for message, _p, _a in planned]


def _close_request(request: Request, answer: Message, status: str, actor: User | None) -> None:
    request.status, request.answer, request.answered_on, request.answered_by = status, answer, today(), actor
    request.save(update_fields=["status", "answer", "answered_on", "answered_by"])
    incoming = request.message
    if not Request.objects.filter(message=incoming, status=Request.Status.OPEN).exists():
        Message.objects.filter(pk=incoming.pk, answered_on__isnull=True).update(answered_on=today())


def answer_request(*, actor: User, request: Request, investigating: bool, refusal: str = "") -> Message:
    """Answer a provider's request with a 319: refused (with its WJ759 reason) or "aanvraag in
    onderzoek", after which the final answer is due within eight weeks of the request."""
    with transaction.atomic():
        locked = (
            Request.objects.select_for_update(of=("self",))
            .select_related("provider", "municipality")
            .get(pk=request.pk)
        )
        if locked.status not in (Request.Status.OPEN, Request.Status.INVESTIGATING):
            raise DomainError("Dit verzoek is al beantwoord.")
        if investigating and locked.status == Request.Status.INVESTIGATING:
            raise DomainError("Dit verzoek is al in onderzoek; het antwoord is nu een toewijzing of een afwijzing.")
        if not investigating and refusal not in Request.Refusal.values:
            raise DomainError("Reden afwijzing: kies een reden uit de lijst.", field="refusal")
        standard = messages.STANDARDS[locked.law]

        def build(identification: str, now: dt.datetime) -> bytes:
            return messages.build_answer(
                standard=standard,
                municipality_code=locked.municipality.code,
                provider=locked.provider,
                reference=locked.reference,
                investigating=investigating,
                refusal=refusal,
                identification=identification,
                now=now,
            )

        label = "Aanvraag in onderzoek" if investigating else f"Verzoek afgewezen: {Request.Refusal(refusal).label}"
        answer = new_outgoing(
            standard=standard,
            code="319",
            provider=locked.provider,
            municipality=locked.municipality,
            build=build,
            person_id=locked.person_id,
            answers=locked.message,
            summary=f"{label} (referentie {locked.reference})",
        )
        if investigating:
            locked.status = Request.Status.INVESTIGATING
            locked.due_on = locked.received_on + dt.timedelta(weeks=INVESTIGATION_WEEKS)
            locked.answer, locked.answered_by = answer, actor
            locked.save(update_fields=["status", "due_on", "answer", "answered_by"])
        else:
            locked.refusal = refusal
            locked.save(update_fields=["refusal"])
            _close_request(locked, answer, Request.Status.REFUSED, actor)
        audit.record(
            actor=actor,
            action=audit.Action.CREATE,
            obj=answer,
            subjects=[locked.person_id] if locked.person_id else [],
            detail=answer.summary,
        )
    return answer


def _changed(provision: Provision, item: dict[str, Any]) -> Provision:
    """The new assignment that takes over from ``provision`` as a request for change asks, checked against
    what its decision grants: later start, no later end, no more volume or budget, the same unit and
    frequency. Raises DomainError naming the field otherwise."""
    number = provision.pk
    start = dt.date.fromisoformat(item["ingang"])
    end = dt.date.fromisoformat(item["einde"]) if item.get("einde") else provision.assigned_end
    running_until = provision.assigned_end
    if start <= provision.start_date or (running_until is not None and start > running_until):
        raise DomainError(
            f"Gewenste ingangsdatum: {start:%d-%m-%Y} valt niet binnen de lopende toewijzing {number} "
            f"(na {provision.start_date:%d-%m-%Y}{f' tot en met {running_until:%d-%m-%Y}' if running_until else ''})."
        )
    if end is not None and end < start:
        raise DomainError(f"Einddatum: de gevraagde einddatum ligt vóór de gewenste ingangsdatum ({number}).")
    if provision.end_date is not None and (end is None or end > provision.end_date):
        raise DomainError(
            f"Einddatum: de beschikking loopt tot en met {provision.end_date:%d-%m-%Y}; een langere toewijzing "
            "vraagt een nieuw besluit. Zet het verzoek in onderzoek en neem een besluit in de procedure."
        )
    volume, unit, frequency, budget = provision.volume, provision.unit, provision.frequency, provision.budget_cents
    if item.get("volume") is not None:
        if provision.volume is None or (item["eenheid"], item["frequentie"]) != (provision.unit, provision.frequency):
            raise DomainError(
                f"Omvang: de gevraagde eenheid of frequentie wijkt af van de beschikking ({number}); "
                "dat vraagt een nieuw besluit."
            )
        if item["volume"] > provision.volume:
            raise DomainError(
                f"Omvang: {item['volume']} {provision.get_unit_display()} {provision.get_frequency_display()} is "
                f"meer dan de beschikking toekent ({provision.volume}); zet het verzoek in onderzoek en neem een "
                "nieuw besluit."
            )
        volume = item["volume"]
    elif item.get("budget") is not None:
        if provision.budget_cents is None or item["budget"] > provision.budget_cents:
            raise DomainError(
                f"Budget: het gevraagde budget past niet binnen de beschikking ({number}); "
                "dat vraagt een nieuw besluit."
            )
        budget = item["budget"]
    return Provision(
        decision_id=provision.decision_id,
        category_id=provision.category_id,
        product_code=provision.product_code,
        delivery=provision.delivery,
        provider_id=provision.provider_id,
        volume=volume,
        unit=unit,
        frequency=frequency,
        budget_cents=budget,
        start_date=start,
        end_date=end,
        replaces=provision,
    )


def assign_change(*, actor: User, request: Request) -> Message:
    """Grant a request for change (317) that stays within the decision. Per product to change, the running
    assignment ends the day before the wished start and a new assignment under the same decision takes
    over with the requested end date and volume or budget (reason 12, initiated by the provider); the
    decision itself stays exactly as it was made known. One 301 with the ended, the new and the unchanged
    assignments answers the whole request. More than the decision grants, or a new product, needs a new
    decision: answer "in onderzoek" and decide in the procedure."""
    with transaction.atomic():
        locked = (
            Request.objects.select_for_update(of=("self",))
            .select_related("provider", "municipality", "person")
            .get(pk=request.pk)
        )
        if locked.kind != Request.Kind.VOW or locked.status not in (Request.Status.OPEN, Request.Status.INVESTIGATING):
            raise DomainError("Alleen een open verzoek om wijziging kan zo worden toegewezen.")
        if any(item["soort"] == "nieuw" for item in locked.products):
            raise DomainError(
                "Nieuwe producten: dit verzoek vraagt een nieuw product; daarvoor is een beschikking nodig. "
                "Zet het verzoek in onderzoek en neem een besluit in de procedure."
            )
        numbers = [item["toewijzing"] for item in locked.products]
        provisions = {
            p.pk: p
            for p in Provision.objects.select_for_update(of=("self",))
            .filter(pk__in=numbers, replaced_by__isnull=True)
            .select_related("category", "decision__procedure__person")
        }
        if len(provisions) != len(set(numbers)):
            raise DomainError("Toewijzing: een toewijzing uit dit verzoek bestaat niet meer of is al gewijzigd.")
        assigned: list[Provision] = []
        for item in locked.products:
            provision = provisions[item["toewijzing"]]
            if item["soort"] == "wijzigen":
                new = _changed(provision, item)
                new.save()
                provision.assigned_until = new.start_date - dt.timedelta(days=1)
                provision.change_reason = "12"  # geïnitieerd door aanbieder (WMO002 / JZ002)
                provision.save(update_fields=["assigned_until", "change_reason"])
                assigned += [provision, new]
            else:
                assigned.append(provision)
        first = next(iter(provisions.values()))
        procedure = first.decision.procedure
        standard = messages.STANDARDS[locked.law]

        def build(identification: str, now: dt.datetime) -> bytes:
            return messages.build_assignment(
                law=locked.law,
                municipality_code=locked.municipality.code,
                provider=locked.provider,
                person=procedure.person,
                provisions=assigned,
                identification=identification,
                now=now,
                references={p.pk: locked.reference for p in assigned},
            )

        answer = new_outgoing(
            standard=standard,
            code="301",
            provider=locked.provider,
            municipality=locked.municipality,
            build=build,
            person_id=procedure.person_id,
            decision=first.decision,
            answers=locked.message,
            summary=f"Wijziging toegewezen binnen de beschikking (referentie {locked.reference})",
        )
        _close_request(locked, answer, Request.Status.ASSIGNED, actor)
        audit.record(
            actor=actor, action=audit.Action.UPDATE, obj=answer, subjects=[procedure.person_id], detail=answer.summary
        )
    return answer


EXPORT_BATCH = 500


def export_pending(*, out: Path, only: list[int] | None = None) -> list[Path]:
    """Write every pending outgoing message (or only those with these ids) as
    ``<BERICHT>_<identificatie>.xml`` and mark it sent, in batches: each file is first written whole under
    a hidden name, then renamed (atomic on one file system, so no half file is ever offered), and the
    batch is marked sent in the same transaction with one audit row. A crash between the rename and the
    commit offers a file again at the next export; receivers refuse a repeated identification (9056)."""
    out.mkdir(parents=True, exist_ok=True)
    pending = Message.objects.filter(direction=Message.Direction.OUT, status=Message.Status.PENDING)
    if only is not None:
        pending = pending.filter(pk__in=only)
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    written: list[Path] = []
    for start in range(0, len(ids), EXPORT_BATCH):
        with transaction.atomic():
            batch = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids[start : start + EXPORT_BATCH], status=Message.Status.PENDING)
                .order_by("pk")
                .only("pk", "standard", "code", "identification", "xml", "person_id")
            )
            if not batch:
                continue
            staged = []
            for message in batch:
                name = messages.file_name(message.standard, message.code, message.identification)
                partial = out / f".{name}.part"
                with partial.open("w", encoding="utf-8") as handle:
                    handle.write(message.xml)
                    handle.flush()
                    os.fsync(handle.fileno())  # on disk before it is offered under its own name
                staged.append((message, partial, out / name))
            for _message, partial, target in staged:
                partial.replace(target)
            now = timezone.now()
            retour_due = add_working_days(today(), RETOUR_DAYS)  # the provider's retour counts from receipt
            Message.objects.filter(pk__in=[m.pk for m in batch]).update(
                status=Message.Status.SENT,
                sent_at=now,
                file_name=Concat("standard", "code", Value("_"), "identification", Value(".xml")),
                due_on=Case(When(code__in=("301", "319"), then=Value(retour_due)), default=F("due_on")),
            )  # one statement per batch; the names are those written above (messages.file_name)
            audit.record(
                actor=None,
                actor_name="istandaarden export",
                action=audit.Action.EXPORT,
                object_type="message",
                object_id=batch[0].pk if len(batch) == 1 else "",
                subjects=sorted({m.person_id for m in batch if m.person_id}),
                detail=(f"{len(batch)} bericht(en): " + ", ".join(t.name for _m, _p, t in staged))[:300],
            )
            written.extend(target for _m, _p, target in staged)
    return written
