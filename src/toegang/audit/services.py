"""Writing audit entries. Called by every service that reads or changes client data, inside its
transaction, so that the change and its log row commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from django.db import connection, models, transaction
from django.utils import timezone

from toegang.accounts.models import User
from toegang.audit import chain
from toegang.audit import context as audit_context
from toegang.audit.models import AuditEntry, AuditSubject
from toegang.privacy.context import current_emergency

Action = AuditEntry.Action


def log_denied(*, user: User, object_type: str, object_id: int) -> None:
    """A user asked for a dossier outside their access (they get a 404): log the attempt, with the
    persons it concerns when the dossier exists, so the privacy officer sees it under that person."""
    from toegang.people.models import Membership  # audit is used by people; imported here to keep direction

    household_id = object_id if object_type == "household" else 0
    if object_type == "trajectory":
        from toegang.cases.models import Trajectory

        household_id = Trajectory.objects.filter(pk=object_id).values_list("household_id", flat=True).first() or 0
    subjects = Membership.objects.filter(household_id=household_id).values_list("person_id", flat=True)
    record(
        actor=user,
        action=Action.DENIED,
        object_type=object_type,
        object_id=object_id,
        subjects=list(subjects),
        detail="geen toegang (404 getoond)",
    )


# On PostgreSQL the entry and its subjects go in with one statement: with the chain head read before
# it and the commit after it, an audit row costs three round trips (docs/performance.md, ADR 0007).
_INSERT_PG = """
WITH entry AS (
    INSERT INTO audit_auditentry (at, actor_id, actor_name, on_behalf_of, organisation_name, role, action,
                                  object_type, object_id, detail, legal_basis, emergency, chain_hash)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    RETURNING id
), subjects AS (
    INSERT INTO audit_auditsubject (entry_id, person_id)
    SELECT entry.id, person_id FROM entry, unnest(%s::bigint[]) AS person_id
)
SELECT id FROM entry
"""


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    subjects: Iterable[int] = (),
    detail: str = "",
    legal_basis: str = "",
    emergency: bool = False,
    on_behalf_of: str = "",
    actor_name: str = "",
) -> AuditEntry:
    """Append one entry with the persons it concerns, chained to the entry before it (audit/chain.py).
    Never updates or deletes (the table refuses). ``actor`` may be None for a failed login, with the
    name that was tried in ``actor_name``. Inside the caller's transaction when there is one (no
    savepoint: a failing log write rolls back the change it logs), else in a transaction of its own."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or obj.pk or ""
    organisation = getattr(actor, "organisation", None)
    on_behalf_of = on_behalf_of or audit_context.on_behalf_of.get()
    if ground := audit_context.representation.get():  # first: the cut to 300 characters never drops it
        detail = f"{ground}; {detail}" if detail else ground
    person_ids = sorted(set(subjects))
    emergency_basis = current_emergency.get().basis_for(person_ids)
    if emergency_basis and not emergency:  # a row about a household opened with break-the-glass
        # the access first, so that the cut to 150 characters never drops it; the row's own basis after it
        emergency, legal_basis = True, f"{emergency_basis}; {legal_basis}" if legal_basis else emergency_basis
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else actor_name[:150],
        on_behalf_of=on_behalf_of[:150],
        organisation_name=organisation.name if organisation is not None else "",
        role=actor.role if actor is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        legal_basis=legal_basis[:150],
        emergency=emergency,
    )
    if connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit():
        _append_postgresql_pipelined(entry, person_ids)
        return entry
    with transaction.atomic(savepoint=False):
        entry.chain_hash = chain.link(chain.lock_and_last_hash(), entry, person_ids)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_INSERT_PG, _insert_params(entry, person_ids))
                row = cursor.fetchone()
            entry.pk, entry._state.adding = (row[0] if row else None), False
        else:
            entry.save(force_insert=True)
            if person_ids:
                AuditSubject.objects.bulk_create([AuditSubject(entry=entry, person_id=pid) for pid in person_ids])
    return entry


def _insert_params(entry: AuditEntry, person_ids: list[int]) -> list[Any]:
    return [
        entry.at,
        entry.actor_id,
        entry.actor_name,
        entry.on_behalf_of,
        entry.organisation_name,
        entry.role,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.detail,
        entry.legal_basis,
        entry.emergency,
        entry.chain_hash,
        person_ids,
    ]


def _append_postgresql_pipelined(entry: AuditEntry, person_ids: list[int]) -> None:
    """A log row that is a transaction of its own (a read, a search, a login): BEGIN with the chain
    head, then the insert with COMMIT, each pair sent in one network round trip (psycopg pipeline
    mode). Same statements as the path inside a caller's transaction, half the waiting.

    During a request (audit.context.defer_commit) the insert with its COMMIT is sent without waiting:
    the database commits it while the page renders, and its answer is read before the connection is
    used again and before the response leaves (common/pgbackend, ADR 0017). The entry then has no id."""
    can_defer = hasattr(connection, "send_without_waiting")  # PostgreSQL through common/pgbackend
    if can_defer:
        connection.settle()  # type: ignore[attr-defined]  # the raw connection below must be free
    connection.ensure_connection()
    raw = connection.connection
    deferred = can_defer and audit_context.defer_commit.get()
    with connection.wrap_database_errors:
        try:
            with psycopg.Cursor(raw) as head_cursor, psycopg.Cursor(raw) as insert_cursor:
                with raw.pipeline() as pipeline:
                    head_cursor.execute("BEGIN")
                    head_cursor.execute("SELECT audit_chain_head(%s)", [chain.ADVISORY_LOCK_KEY])
                    pipeline.sync()
                    head_row = head_cursor.fetchone()
                    previous = (head_row[0] if head_row else None) or chain.GENESIS
                    entry.chain_hash = chain.link(previous, entry, person_ids)
                    if not deferred:
                        insert_cursor.execute(_INSERT_PG, _insert_params(entry, person_ids))
                        head_cursor.execute("COMMIT")  # leaving the pipeline sends both and waits once
                if deferred:
                    with psycopg.ClientCursor(raw) as composer:  # composed here: it is sent as one query
                        insert = composer.mogrify(_INSERT_PG, _insert_params(entry, person_ids))
                    connection.send_without_waiting(f"{insert}; COMMIT")  # type: ignore[attr-defined]
                    return
                row = insert_cursor.fetchone()
        except BaseException:
            if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raw.rollback()
            raise
    entry.pk, entry._state.adding = (row[0] if row else None), False
