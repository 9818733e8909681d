"""The tamper-evident chain of the audit log.

Every entry carries ``chain_hash = HMAC-SHA256(key, previous chain_hash + canonical content)``, the
content including the entry's subjects. Changing, deleting or reordering a row breaks the chain from
that row on; forging a row needs the key (derived from TOEGANG_AUDIT_KEY, else from the secret key).
Appending takes a lock so that the chain has one order: PostgreSQL an advisory transaction lock,
SQLite its IMMEDIATE write transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from toegang.audit.models import AuditAnchor, AuditEntry, AuditSubject

GENESIS = "0" * 64
ADVISORY_LOCK_KEY = 7_513_001  # any constant: the number of the audit chain's advisory lock


def _key() -> bytes:
    secret = os.environ.get("TOEGANG_AUDIT_KEY") or settings.SECRET_KEY
    return hashlib.sha256(b"toegang-audit-chain:" + secret.encode()).digest()


def canonical(entry: AuditEntry, subjects: Iterable[int]) -> bytes:
    content = {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_name": entry.actor_name,
        "on_behalf_of": entry.on_behalf_of,
        "organisation": entry.organisation_name,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": entry.detail,
        "legal_basis": entry.legal_basis,
        "emergency": entry.emergency,
        "subjects": sorted(subjects),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def link(previous: str, entry: AuditEntry, subjects: Iterable[int]) -> str:
    return hmac.new(_key(), previous.encode() + canonical(entry, subjects), hashlib.sha256).hexdigest()


def anchor_mac(*, through_id: int, chain_hash: str, last_at: str, created_at: str) -> str:
    """An anchor is only believed when it carries this HMAC: a role that can write the tables but does
    not hold the audit key cannot make one up to hide deleted rows."""
    content = f"anchor|{through_id}|{chain_hash}|{last_at}|{created_at}".encode()
    return hmac.new(_key(), content, hashlib.sha256).hexdigest()


def lock_and_last_hash() -> str:
    """Serialise appends (call inside the transaction that appends) and return the chain's head."""
    if connection.vendor == "postgresql":  # lock and read in one round trip (migration audit 0003)
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_chain_head(%s)", [ADVISORY_LOCK_KEY])
            row = cursor.fetchone()
        return (row[0] if row else None) or GENESIS
    return (
        AuditEntry.objects.order_by("-id").values_list("chain_hash", flat=True).first()
        or AuditAnchor.objects.order_by("-through_id").values_list("chain_hash", flat=True).first()  # all pruned
        or GENESIS
    )


@dataclass(frozen=True)
class Verdict:
    checked: int
    broken_at: int | None = None  # id of the first entry whose hash does not follow from the one before
    reason: str = ""


def _entries(batch: int, after_id: int) -> Iterator[tuple[AuditEntry, list[int]]]:
    last_id = after_id
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        subjects: dict[int, list[int]] = {}
        for entry_id, person_id in AuditSubject.objects.filter(entry_id__in=[r.id for r in rows]).values_list(
            "entry_id", "person_id"
        ):
            subjects.setdefault(entry_id, []).append(person_id)
        for row in rows:
            yield row, subjects.get(row.id, [])
        last_id = rows[-1].id


def verify(batch: int = 5000) -> Verdict:
    """Recompute the chain from its start, or from the latest anchor left by retention pruning."""
    anchor = AuditAnchor.objects.order_by("-through_id").first()
    if anchor is not None:
        from toegang.audit.retention import cutoff

        expected = anchor_mac(
            through_id=anchor.through_id,
            chain_hash=anchor.chain_hash,
            last_at=anchor.last_at.isoformat(),
            created_at=anchor.created_at.isoformat(),
        )
        if not hmac.compare_digest(expected, anchor.mac):
            return Verdict(
                checked=0, broken_at=anchor.through_id, reason="ankerpunt is niet door de toepassing gemaakt"
            )
        if anchor.last_at >= cutoff(anchor.created_at):
            return Verdict(
                checked=0, broken_at=anchor.through_id, reason="ankerpunt verwijdert regels binnen hun bewaartermijn"
            )
    previous = anchor.chain_hash if anchor else GENESIS
    checked = 0
    for entry, subjects in _entries(batch, anchor.through_id if anchor else 0):
        if link(previous, entry, subjects) != entry.chain_hash:
            return Verdict(checked=checked, broken_at=entry.id, reason="ketenwaarde klopt niet")
        previous = entry.chain_hash
        checked += 1
    return Verdict(checked=checked)
