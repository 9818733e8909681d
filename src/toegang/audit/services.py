"""Writing audit entries. Called by every service that reads or changes client data, inside its
transaction, so that the change and its log row commit or roll back together."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from toegang.accounts.models import User
from toegang.audit.models import AuditEntry, AuditSubject

Action = AuditEntry.Action


@transaction.atomic
def record(
    *,
    actor: User,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    subjects: Iterable[int] = (),
    detail: str = "",
) -> AuditEntry:
    """Append one entry with the persons it concerns. Never updates or deletes (the table refuses)."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or obj.pk or ""
    organisation = getattr(actor, "organisation", None)
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if actor.pk else None,
        actor_name=actor.get_username(),
        organisation_name=organisation.name if organisation is not None else "",
        role=actor.role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
    )
    person_ids = sorted(set(subjects))
    if person_ids:
        AuditSubject.objects.bulk_create([AuditSubject(entry=entry, person_id=pid) for pid in person_ids])
    return entry
