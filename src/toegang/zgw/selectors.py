"""Reads of the ZGW app for the functional administrator's screen (no client data: ids, states, URLs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from toegang.zgw.models import Configuration, Registration

PAGE_SIZE = 100
# a pending registration whose attempt is this much overdue: no worker round is picking it up
OVERDUE = dt.timedelta(minutes=5)
PENDING = (Registration.State.WAITING, Registration.State.FAILED)
Kind = Registration.Kind


def _count(condition: Q) -> Coalesce:
    rows = (
        Registration.objects.filter(condition, municipality_id=OuterRef("municipality_id"))
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def configuration_of(municipality_id: int, *, with_counts: bool = False) -> Configuration | None:
    """The municipality's configuration with its services; ``with_counts``: also the number of registrations in
    each state and the pending ones overdue (``n_<state>``, ``n_overdue``), in the same query."""
    rows = Configuration.objects.select_related("zaken_service", "besluiten_service").filter(
        municipality_id=municipality_id
    )
    if with_counts:
        rows = rows.annotate(
            **{f"n_{state}": _count(Q(state=state)) for state in Registration.State.values},
            n_overdue=_count(Q(state__in=PENDING, next_attempt_at__lt=timezone.now() - OVERDUE)),
        )
    return rows.first()


@dataclass
class Counts:
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    def of(self, state: str | None) -> int:
        return self.total if state is None else self.by_state.get(state, 0)


def counts_of(config: Configuration | None) -> Counts:
    """The counts ``configuration_of(…, with_counts=True)`` read (all zero without a configuration: a
    municipality without one has never written a registration)."""
    if config is None:
        return Counts(by_state=dict.fromkeys(Registration.State.values, 0))
    return Counts(
        by_state={state: int(getattr(config, f"n_{state}", 0)) for state in Registration.State.values},
        overdue=int(getattr(config, "n_overdue", 0)),
    )


def _base_exists() -> Case:
    """Whether the registration this one builds on was written (a trajectory's closing needs its start, a decision
    and a procedure's end the procedure's start); True for a registration that builds on none."""
    from toegang.procedures.models import Decision

    started = Registration.objects.filter(kind=Kind.TRAJECTORY_STARTED, object_id=OuterRef("object_id"))
    procedure = Decision.objects.filter(pk=OuterRef(OuterRef("object_id"))).values("procedure_id")[:1]
    begun = Registration.objects.filter(kind=Kind.PROCEDURE_STARTED, object_id=Subquery(procedure))
    procedure_begun = Registration.objects.filter(kind=Kind.PROCEDURE_STARTED, object_id=OuterRef("object_id"))
    return Case(
        When(kind=Kind.TRAJECTORY_CLOSED, then=Exists(started)),
        When(kind=Kind.DECISION_SENT, then=Exists(begun)),
        When(kind=Kind.PROCEDURE_CLOSED, then=Exists(procedure_begun)),
        default=Value(True),
        output_field=BooleanField(),
    )


def base_registered(registration: Registration) -> bool:
    return bool(
        Registration.objects.filter(pk=registration.pk)
        .annotate(base=_base_exists())
        .values_list("base", flat=True)
        .first()
    )


@dataclass
class Page:
    rows: list[Registration]
    older: int | None  # ?voor= for the next (older) page; None: this is the last page


def registrations_of(
    municipality_id: int, state: str | None = None, *, before: int | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of the municipality's registrations, newest first (keyset on the id: ``before`` is the id the
    page starts below). Each row carries ``base_registered`` (False: retrying can never succeed)."""
    rows: QuerySet[Registration] = Registration.objects.filter(municipality_id=municipality_id)
    if state:
        rows = rows.filter(state=state)
    if before is not None:
        rows = rows.filter(id__lt=before)
    found: list[Registration] = list(rows.annotate(base_registered=_base_exists()).order_by("-id")[: size + 1])
    older = found[size - 1].pk if len(found) > size else None
    return Page(rows=found[:size], older=older)
