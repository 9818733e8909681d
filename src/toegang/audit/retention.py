"""Removing audit entries at the end of their retention (default 5 years, DOMAIN.md §5.5), oldest
first, leaving an anchor so that the remaining chain still verifies."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from toegang.audit import chain, partitions
from toegang.audit.models import AuditAnchor, AuditEntry, AuditPruneGate, AuditSubject
from toegang.common.dates import add_months


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    day = add_months(now.date(), -12 * settings.AUDIT_RETENTION_YEARS)
    return dt.datetime.combine(day, now.timetz())


def due_count(now: dt.datetime | None = None) -> int:
    return AuditEntry.objects.filter(at__lt=cutoff(now)).count()


@transaction.atomic
def prune(now: dt.datetime | None = None) -> int:
    """Remove the entries older than the retention (a prefix of the chain) and anchor the rest."""
    chain.lock_and_last_hash()  # no appends meanwhile
    last = AuditEntry.objects.filter(at__lt=cutoff(now)).order_by("-id").values("id", "chain_hash", "at").first()
    if last is None:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL toegang.audit_prune = 'on'")
    gate = AuditPruneGate.objects.create(opened_at=timezone.now())
    removed = partitions.drop_through(last["id"])  # whole partitions first (PostgreSQL), then the rest
    AuditSubject.objects.filter(entry_id__lte=last["id"]).delete()
    removed += AuditEntry.objects.filter(id__lte=last["id"]).delete()[0]
    gate.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL toegang.audit_prune = 'off'")
    created_at = now or timezone.now()
    AuditAnchor.objects.create(
        created_at=created_at,
        through_id=last["id"],
        chain_hash=last["chain_hash"],
        removed=removed,
        last_at=last["at"],
        mac=chain.anchor_mac(
            through_id=last["id"],
            chain_hash=last["chain_hash"],
            last_at=last["at"].isoformat(),
            created_at=created_at.isoformat(),
        ),
    )
    return removed
