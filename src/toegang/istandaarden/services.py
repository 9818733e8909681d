"""Outgoing iStandaarden messages: a decision made known with care in kind queues one toewijzing (301)
per provider; the export writes pending messages as files for the transport (a directory by default)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from toegang.audit import services as audit
from toegang.istandaarden import messages
from toegang.istandaarden.models import Message
from toegang.procedures.models import Decision, Provision


def queue_assignments(decision: Decision) -> list[Message]:
    """Inside the transaction that makes the decision known: one 301 per provider of its provisions in
    kind. A decision under a law without iStandaarden (Participatiewet) or with only pgb sends none."""
    procedure = decision.procedure
    standard = messages.STANDARDS.get(procedure.law)
    if standard is None:
        return []
    by_provider: dict[int, list[Provision]] = defaultdict(list)
    for provision in decision.provisions.select_related("category", "provider").order_by("pk"):
        if provision.delivery == Provision.Delivery.IN_KIND and provision.provider_id is not None:
            by_provider[provision.provider_id].append(provision)
    now = timezone.localtime()
    municipality = procedure.trajectory.household.municipality
    queued = []
    for provisions in by_provider.values():
        provider = provisions[0].provider
        assert provider is not None  # noqa: S101 - in kind means a provider (database constraint)
        message = Message.objects.create(
            direction=Message.Direction.OUT,
            standard=standard,
            code="301",
            identification=f"T{timezone.now():%y%m%d%H%M%S%f}"[:12],  # replaced below by the row's own number
            dated=now.date(),
            provider=provider,
            person=procedure.person,
            decision=decision,
            xml="",
            status=Message.Status.PENDING,
        )
        message.identification = f"{message.pk:06d}"
        message.xml = messages.build_assignment(
            law=procedure.law,
            municipality_code=municipality.code,
            provider=provider,
            person=procedure.person,
            provisions=provisions,
            identification=message.identification,
            now=now,
        ).decode()
        message.save(update_fields=["identification", "xml"])
        queued.append(message)
    return queued


def export_pending(*, out: Path) -> list[Path]:
    """Write every pending outgoing message as ``<BERICHT>_<identificatie>.xml`` and mark it sent, one
    message per transaction: a file is only marked sent once it is completely on disk."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for pk in (
        Message.objects.filter(direction=Message.Direction.OUT, status=Message.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=pk)
            if message.status != Message.Status.PENDING:
                continue
            name = messages.file_name(message.standard, message.code, message.identification)
            target = out / name
            partial = out / f".{name}.part"
            partial.write_text(message.xml, encoding="utf-8")
            partial.replace(target)  # atomic on one file system: no half file is ever offered
            message.status, message.sent_at, message.file_name = Message.Status.SENT, timezone.now(), name
            message.save(update_fields=["status", "sent_at", "file_name"])
            audit.record(
                actor=None,
                actor_name="istandaarden export",
                action=audit.Action.EXPORT,
                obj=message,
                subjects=[message.person_id] if message.person_id else [],
                detail=name,
            )
        written.append(target)
    return written
