"""Retention: destroy closed dossiers whose archive action date has come (Selectielijst terms), never
under a legal hold or with an open objection, in batches that commit whole or not at all, and write
the deletion register (category, rule, count, date; no personal data)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from toegang.audit import services as audit
from toegang.cases.documents import remove_files_after_commit
from toegang.cases.models import Document, Involvement, Note, RegisseurAssignment, Trajectory
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Exploration, Plan, Review, SelfRelianceScore
from toegang.privacy.models import Consent, DeletionRecord, EmergencyAccess, RetentionRule, RightsRequest
from toegang.signals.models import Signal


def due(*, on: dt.date) -> QuerySet[Trajectory]:
    """Closed trajectories whose term has passed, without a legal hold and without an open objection
    of any of the household's members."""
    objecting = RightsRequest.objects.filter(
        kind=RightsRequest.Kind.OBJECTION, status=RightsRequest.Status.OPEN
    ).values("person_id")
    blocked = Membership.objects.filter(person_id__in=objecting).values("household_id")
    return (
        Trajectory.objects.filter(status=Trajectory.Status.CLOSED, archive_action_date__lte=on, legal_hold=False)
        .exclude(household_id__in=blocked)
        .select_related("retention_rule")
        .order_by("archive_action_date", "pk")
    )


def _destroy_household_if_empty(household_id: int) -> None:
    if Trajectory.objects.filter(household_id=household_id).exists():
        return
    person_ids = list(Membership.objects.filter(household_id=household_id).values_list("person_id", flat=True))
    EmergencyAccess.objects.filter(household_id=household_id).delete()
    Membership.objects.filter(household_id=household_id).delete()
    Household.objects.filter(pk=household_id).delete()
    keep = (
        set(Membership.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
        | set(Signal.persons.through.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
        | set(Signal.objects.filter(main_person_id__in=person_ids).values_list("main_person_id", flat=True))
        | set(Consent.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
        | set(RightsRequest.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    )
    Person.objects.filter(pk__in=[p for p in person_ids if p not in keep]).delete()


def destroy(trajectory: Trajectory) -> None:
    """Everything of one dossier, inside the caller's transaction."""
    plans = Plan.objects.filter(trajectory=trajectory)
    Review.objects.filter(plan__in=plans).delete()
    SelfRelianceScore.objects.filter(trajectory=trajectory).delete()
    Exploration.objects.filter(trajectory=trajectory).delete()
    plans.delete()
    Note.objects.filter(trajectory=trajectory).delete()
    stored = list(Document.objects.filter(trajectory=trajectory).values_list("stored_name", flat=True))
    Document.objects.filter(trajectory=trajectory).delete()
    remove_files_after_commit(stored)
    Involvement.objects.filter(trajectory=trajectory).delete()
    RegisseurAssignment.objects.filter(trajectory=trajectory).delete()
    Signal.objects.filter(trajectory=trajectory).delete()
    household_id = trajectory.household_id
    trajectory.delete()
    _destroy_household_if_empty(household_id)


@dataclass(frozen=True)
class RunResult:
    destroyed: Counter[str]
    batches: int


def run(*, on: dt.date, batch_size: int = 100, progress: Callable[[int], None] | None = None) -> RunResult:
    """Destroy what is due, one batch per transaction; each batch writes its register entries."""
    destroyed: Counter[str] = Counter()
    batches = 0
    while True:
        with transaction.atomic():
            batch = list(due(on=on).select_for_update(of=("self",))[:batch_size])
            if not batch:
                break
            counts: Counter[int] = Counter()
            for trajectory in batch:
                assert trajectory.retention_rule_id is not None  # noqa: S101 - every closed dossier has its rule
                counts[trajectory.retention_rule_id] += 1
                destroy(trajectory)
            rules = RetentionRule.objects.in_bulk(list(counts))
            now = timezone.now()
            DeletionRecord.objects.bulk_create(
                DeletionRecord(executed_at=now, rule=rules[rule_id], category="traject", count=count)
                for rule_id, count in counts.items()
            )
            audit.record(
                actor=None,
                actor_name="bewaartermijnen",
                action=audit.Action.DELETE,
                object_type="traject",
                detail=", ".join(f"{rules[r].code}: {c}" for r, c in counts.items()),
            )
        for rule_id, count in counts.items():
            destroyed[rules[rule_id].code] += count
        batches += 1
        if progress is not None:
            progress(sum(destroyed.values()))
    return RunResult(destroyed=destroyed, batches=batches)
