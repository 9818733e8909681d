"""Writing audit entries. Called by every service that reads or changes client data, inside its
transaction, so that the change and its log row commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from toegang.accounts.models import User
from toegang.audit import chain
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


@transaction.atomic
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
    name that was tried in ``actor_name``."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or obj.pk or ""
    organisation = getattr(actor, "organisation", None)
    person_ids = sorted(set(subjects))
    emergency_basis = current_emergency.get().basis_for(person_ids)
    if emergency_basis and not emergency:  # a row about a household opened with break-the-glass
        emergency, legal_basis = True, legal_basis or emergency_basis
    previous = chain.lock_and_last_hash()
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
    entry.chain_hash = chain.link(previous, entry, person_ids)
    entry.save(force_insert=True)
    if person_ids:
        AuditSubject.objects.bulk_create([AuditSubject(entry=entry, person_id=pid) for pid in person_ids])
    return entry
