"""Retention: destroy closed dossiers whose archive action date has come (Selectielijst terms), never
under a legal hold or with an open objection, in batches that commit whole or not at all, and write
the deletion register (category, rule, count, date; no personal data). Signals triaged without a
trajectory (advice, voorliggend veld) go after their own term; a signal never triaged is kept. Files
in the document folder that never got their database row are swept."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from toegang.audit import services as audit
from toegang.cases import documents
from toegang.cases.documents import remove_files_after_commit
from toegang.cases.models import Document, Involvement, Note, RegisseurAssignment, Trajectory
from toegang.common import faults
from toegang.common.dates import add_months
from toegang.istandaarden.models import Message, Request
from toegang.network.models import Escalation
from toegang.people.models import Household, Membership, Person
from toegang.plans.models import Action, Exploration, Plan, Review, SelfRelianceScore
from toegang.privacy.models import Consent, DeletionRecord, EmergencyAccess, RetentionRule, RightsRequest
from toegang.procedures.models import Decision, Objection, Procedure
from toegang.signals.models import Signal

SIGNAL_CATEGORY = "melding"
FILE_CATEGORY = "los bestand"


def _objecting() -> QuerySet[RightsRequest, int]:
    """The persons with an open objection (AVG art. 21): nothing of theirs is destroyed meanwhile."""
    return RightsRequest.objects.filter(
        kind=RightsRequest.Kind.OBJECTION, status=RightsRequest.Status.OPEN
    ).values_list("person_id", flat=True)


def under_objection() -> Q:
    """Dossiers kept while an objection is open: an objection (AVG art. 21) of any of the household's
    members, or a bezwaar against one of their decisions. Neither the retention run nor a request for
    destruction (privacy.rights) destroys them meanwhile."""
    blocked = Membership.objects.filter(person_id__in=_objecting()).values("household_id")
    contested = Objection.objects.filter(outcome="").values("decision__procedure__trajectory_id")
    return Q(household_id__in=blocked) | Q(pk__in=contested)


def due(*, on: dt.date) -> QuerySet[Trajectory]:
    """Closed trajectories whose term has passed, without a legal hold and not under_objection."""
    return (
        Trajectory.objects.filter(status=Trajectory.Status.CLOSED, archive_action_date__lte=on, legal_hold=False)
        .exclude(under_objection())
        .select_related("retention_rule")
        .order_by("archive_action_date", "pk")
    )


def signal_rule() -> RetentionRule | None:
    """The term for a signal triaged without a trajectory; without it no signal is ever destroyed."""
    return RetentionRule.objects.filter(code=RetentionRule.SIGNAL).first()


def signal_destroy_from(triaged_on: dt.date, rule: RetentionRule) -> dt.date:
    """The day from which a signal triaged on ``triaged_on`` may be destroyed (as a dossier's
    archive_action_date is counted from its closing day)."""
    return rule.term_ends(triaged_on)


def _last_triage_day_due(on: dt.date, rule: RetentionRule) -> dt.date:
    """The latest triage day whose term has passed on ``on``: the inverse of signal_destroy_from. A
    month end can map several triage days onto one destruction day (29 February), hence the step."""
    last = add_months(on - dt.timedelta(days=rule.days), -12 * rule.years)
    while signal_destroy_from(last + dt.timedelta(days=1), rule) <= on:
        last += dt.timedelta(days=1)
    return last


def signals_without_trajectory(*, on: dt.date, rule: RetentionRule) -> QuerySet[Signal]:
    """Signals triaged without a trajectory (advice or voorliggend veld) whose term has passed on
    ``on``, objections not yet considered. A signal that was never triaged is never among them."""
    return Signal.objects.filter(
        status=Signal.Status.TRIAGED,
        outcome__in=[Signal.Outcome.ADVICE, Signal.Outcome.COMMUNITY],
        trajectory__isnull=True,
        triaged_on__lte=_last_triage_day_due(on, rule),
    )


def signals_due(*, on: dt.date, rule: RetentionRule | None = None) -> QuerySet[Signal]:
    """The signals the next run destroys: past their term and without an open objection of any of
    their persons (main person or involved)."""
    rule = rule if rule is not None else signal_rule()
    if rule is None:
        return Signal.objects.none()
    objecting = _objecting()
    return (
        signals_without_trajectory(on=on, rule=rule)
        .exclude(main_person_id__in=objecting)
        .exclude(pk__in=Signal.persons.through.objects.filter(person_id__in=objecting).values("signal_id"))
        .order_by("triaged_on", "pk")
    )


def _delete_persons_left_over(person_ids: Iterable[int]) -> None:
    """Delete those of these persons whom nothing refers to any more: no membership of any household
    (past or present), no signal (as main person or involved), no consent, no request and no action in
    a plan. Called after their dossier or signal is gone, inside the same transaction."""
    ids = set(person_ids)
    if not ids:
        return
    keep = (
        set(Membership.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
        | set(Signal.persons.through.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
        | set(Signal.objects.filter(main_person_id__in=ids).values_list("main_person_id", flat=True))
        | set(Consent.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
        | set(RightsRequest.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
        | set(Action.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
        | set(Procedure.objects.filter(person_id__in=ids).values_list("person_id", flat=True))
    )
    gone = ids - keep
    # their iWmo/iJw messages and provider requests go with them (a claim naming several clients stays
    # until its own retention is handled; its prestaties go with the destroyed assignment)
    Request.objects.filter(person_id__in=gone).delete()
    Message.objects.filter(person_id__in=gone).delete()
    Person.objects.filter(pk__in=gone).delete()


def _destroy_household_if_empty(household_id: int) -> set[int]:
    """The household once it has no dossier left; returns the persons who were its members."""
    if Trajectory.objects.filter(household_id=household_id).exists():
        return set()
    person_ids = set(Membership.objects.filter(household_id=household_id).values_list("person_id", flat=True))
    EmergencyAccess.objects.filter(household_id=household_id).delete()
    Membership.objects.filter(household_id=household_id).delete()
    Household.objects.filter(pk=household_id).delete()
    return person_ids


def _persons_of_signals(signals: QuerySet[Signal]) -> set[int]:
    return set(signals.values_list("main_person_id", flat=True)) | set(
        Signal.persons.through.objects.filter(signal__in=signals).values_list("person_id", flat=True)
    )


def destroy(trajectory: Trajectory) -> None:
    """Everything of one dossier, inside the caller's transaction."""
    Escalation.objects.filter(trajectory=trajectory).delete()  # and their steps
    procedures = Procedure.objects.filter(trajectory=trajectory)
    Message.objects.filter(decision__procedure__in=procedures).delete()  # the iWmo/iJw history of its decisions
    Objection.objects.filter(decision__procedure__in=procedures).delete()
    Decision.objects.filter(procedure__in=procedures).delete()  # their provisions go with them
    procedures.delete()  # and their pauses
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
    signals = Signal.objects.filter(trajectory=trajectory)
    signal_person_ids = _persons_of_signals(signals)
    signals.delete()
    household_id = trajectory.household_id
    trajectory.delete()
    _delete_persons_left_over(_destroy_household_if_empty(household_id) | signal_person_ids)


def destroy_signals(signals: list[Signal]) -> None:
    """Signals without a trajectory and their persons who are left with nothing, inside the caller's
    transaction."""
    batch = Signal.objects.filter(pk__in=[signal.pk for signal in signals])
    person_ids = _persons_of_signals(batch)
    batch.delete()
    _delete_persons_left_over(person_ids)


@dataclass(frozen=True)
class RunResult:
    destroyed: Counter[str]  # dossiers per rule code
    batches: int
    signals: int = 0
    signal_batches: int = 0
    files: int = 0


def _run_signals(*, on: dt.date, batch_size: int) -> tuple[int, int]:
    rule = signal_rule()
    if rule is None:
        return 0, 0
    destroyed = batches = 0
    while True:
        with transaction.atomic():
            batch = list(signals_due(on=on, rule=rule).select_for_update()[:batch_size])
            if not batch:
                break
            destroy_signals(batch)
            DeletionRecord.objects.create(
                executed_at=timezone.now(), rule=rule, category=SIGNAL_CATEGORY, count=len(batch)
            )
            audit.record(
                actor=None,
                actor_name="bewaartermijnen",
                action=audit.Action.DELETE,
                object_type=SIGNAL_CATEGORY,
                detail=f"{rule.code}: {len(batch)}",
            )
        destroyed += len(batch)
        batches += 1
    return destroyed, batches


def sweep_orphan_files() -> int:
    """Remove document files that never got their database row (older than an hour) and register how
    many; returns that number."""
    removed = documents.remove_orphan_files()
    if removed:
        with transaction.atomic():
            DeletionRecord.objects.create(executed_at=timezone.now(), rule=None, category=FILE_CATEGORY, count=removed)
            audit.record(
                actor=None,
                actor_name="bewaartermijnen",
                action=audit.Action.DELETE,
                object_type=FILE_CATEGORY,
                detail=str(removed),
            )
    return removed


def run(*, on: dt.date, batch_size: int = 100, progress: Callable[[int], None] | None = None) -> RunResult:
    """Destroy what is due, one batch per transaction; each batch writes its register entries. Then
    the signals without a trajectory, in their own batches, and last the orphan document files."""
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
            faults.point("retention-batch")  # the batch's dossiers destroyed, the register not yet written
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
    signals, signal_batches = _run_signals(on=on, batch_size=batch_size)
    files = sweep_orphan_files()
    return RunResult(destroyed=destroyed, batches=batches, signals=signals, signal_batches=signal_batches, files=files)
