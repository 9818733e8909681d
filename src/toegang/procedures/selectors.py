"""The clocks of a procedure, computed from its dates, its pauses and the municipality's term rules,
and the due-soon / overdue lists built on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from toegang.accounts.models import User
from toegang.cases.models import RegisseurAssignment
from toegang.cases.selectors import trajectories_visible_to
from toegang.procedures import calendar, clocks
from toegang.procedures.models import ClockPause, Decision, Procedure, TermRule


@dataclass(frozen=True)
class ClockDef:
    code: str
    starts: str  # the Procedure date field the term runs from
    done: str | None  # the date field that meets it
    resident: bool = False  # a term for the resident (information), not a duty of the municipality
    decision: bool = False  # the decision term: a notice of default can make it cost a penalty


CLOCKS: dict[str, tuple[ClockDef, ...]] = {
    TermRule.Law.WMO: (
        ClockDef("wmo-persoonlijk-plan", "reported_on", "personal_plan_on", resident=True),
        ClockDef("wmo-onderzoek", "reported_on", "report_sent_on"),
        ClockDef("wmo-beschikking", "application_on", "decided_on", decision=True),
    ),
    TermRule.Law.JEUGD: (ClockDef("jeugd-beschikking", "application_on", "decided_on", decision=True),),
    TermRule.Law.PW: (
        ClockDef("pw-zoektermijn", "reported_on", None, resident=True),
        ClockDef("pw-voorschot", "application_on", "advance_paid_on"),
        ClockDef("pw-beschikking", "application_on", "decided_on", decision=True),
    ),
}
OPEN = (Procedure.Status.MELDING, Procedure.Status.APPLICATION)
DUE_SOON_WORKING_DAYS = 5


@dataclass(frozen=True)
class Clock:
    code: str
    label: str
    source: str
    term: str
    runs_from: dt.date
    deadline: dt.date
    done_on: dt.date | None
    paused: bool
    extended: bool
    resident: bool
    penalty: clocks.Penalty | None
    on: dt.date  # the day the clock was computed for
    stopped_on: dt.date | None = None  # the procedure ended that day (withdrawn, decided): a clock not met stopped

    @property
    def status(self) -> str:
        return self.state(self.on)

    def state(self, on: dt.date) -> str:
        if self.done_on is not None:
            return "gehaald" if self.done_on <= self.deadline else "te laat"
        if self.stopped_on is not None and self.stopped_on <= on:  # ended: a term missed before stays missed
            if self.deadline < self.stopped_on:
                return "verstreken" if self.resident else "verlopen"
            return "gestopt"
        if self.paused:
            return "opgeschort"
        if self.deadline < on:
            return "verstreken" if self.resident else "verlopen"
        return "loopt"

    def overdue(self, on: dt.date) -> bool:
        stopped = self.stopped_on is not None and self.stopped_on <= on
        return not self.resident and self.done_on is None and not self.paused and not stopped and self.deadline < on

    def due_soon(self, on: dt.date) -> bool:
        return (
            not self.resident
            and self.done_on is None
            and on <= self.deadline <= calendar.add_working_days(on, DUE_SOON_WORKING_DAYS)
        )


def rules_for(municipality_ids: Iterable[int]) -> dict[tuple[int | None, str], TermRule]:
    """Every default rule and the overrides of these municipalities, keyed (municipality id, code)."""
    rows = TermRule.objects.filter(Q(municipality__isnull=True) | Q(municipality_id__in=list(municipality_ids)))
    return {(r.municipality_id, r.code): r for r in rows}


def rule_for(rules: dict[tuple[int | None, str], TermRule], municipality_id: int | None, code: str) -> TermRule:
    """The municipality's own rule for a clock, else the national default."""
    return rules.get((municipality_id, code)) or rules[(None, code)]


def clocks_of(
    procedure: Procedure, *, municipality_id: int, rules: dict[tuple[int | None, str], TermRule], on: dt.date
) -> list[Clock]:
    """The procedure's clocks that have started; needs ``pauses`` prefetched (or loads them once)."""
    pauses = list(procedure.pauses.all())
    result = []
    for definition in CLOCKS[procedure.law]:
        start = getattr(procedure, definition.starts)
        if start is None:
            continue
        if definition.code == "pw-zoektermijn":
            age = procedure.person.age_on(start)
            if age is None or age >= 27:
                continue  # the search period applies to young people under 27 only
        rule = rule_for(rules, municipality_id, definition.code)
        own = [p for p in pauses if p.clock == definition.code]
        suspensions = [
            clocks.Suspension(p.start, p.end) for p in own if p.kind == ClockPause.Kind.SUSPENSION and p.start
        ]
        extension = next(
            (clocks.Term(p.length, p.unit) for p in own if p.kind == ClockPause.Kind.EXTENSION and p.length), None
        )
        deadline = clocks.deadline(start=start, term=rule.term, suspensions=suspensions, extension=extension, on=on)
        done_on = getattr(procedure, definition.done) if definition.done else None
        penalty = None
        if definition.decision and procedure.notice_of_default_on is not None:
            penalty = clocks.penalty(
                term_end=deadline, notice_received=procedure.notice_of_default_on, decided_on=done_on, on=on
            )
        result.append(
            Clock(
                code=definition.code,
                label=rule.label,
                source=rule.source,
                term=f"{rule.length} {rule.get_unit_display()}",
                runs_from=start,
                deadline=deadline,
                done_on=done_on,
                paused=any(s.end is None for s in suspensions),
                extended=extension is not None,
                resident=definition.resident,
                penalty=penalty,
                on=on,
                stopped_on=procedure.withdrawn_on or procedure.decided_on,
            )
        )
    return result


@dataclass(frozen=True)
class DueRow:
    procedure: Procedure
    clock: Clock
    overdue: bool
    regisseur: str


def due_list(*, user: User, team: bool, on: dt.date, limit: int = 500) -> list[DueRow]:
    """Open procedures with a municipal term that has run out or runs out within five working days,
    overdue first, then by deadline: the user's own trajectories (as regisseur) or the team's."""
    trajectories = trajectories_visible_to(user).filter(status="open")
    if team:
        trajectories = trajectories.filter(team_id=user.team_id or 0)
    else:
        trajectories = trajectories.filter(
            pk__in=RegisseurAssignment.objects.filter(professional_id=user.pk, end_date__isnull=True).values(
                "trajectory_id"
            )
        )
    procedures = list(
        open_procedures()
        .filter(trajectory__in=trajectories.values("pk"))
        .select_related("person", "trajectory__household")
        .order_by("pk")
    )
    rules = rules_for({p.trajectory.household.municipality_id for p in procedures})
    names = {
        trajectory_id: f"{first} {last}".strip()
        for trajectory_id, first, last in RegisseurAssignment.objects.filter(
            trajectory_id__in=[p.trajectory_id for p in procedures], end_date__isnull=True
        ).values_list("trajectory_id", "professional__first_name", "professional__last_name")
    }
    rows = [
        DueRow(procedure, clock, clock.overdue(on), names.get(procedure.trajectory_id, ""))
        for procedure in procedures
        for clock in clocks_of(
            procedure, municipality_id=procedure.trajectory.household.municipality_id, rules=rules, on=on
        )
        if clock.overdue(on) or clock.due_soon(on)
    ]
    rows.sort(key=lambda r: (not r.overdue, r.clock.deadline, r.procedure.pk))
    return rows[:limit]


def open_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(status__in=OPEN).prefetch_related(
        Prefetch("pauses", queryset=ClockPause.objects.order_by("pk"))
    )


def awaiting_approval(user: User, limit: int = 200) -> list[Decision]:
    """Beschikkingen of the team lead's team that wait for their akkoord (four eyes; not the ones they drafted),
    oldest first; one query.
    Empty for anyone who is not a team lead: only the team's lead approves (``decisions.approve``)."""
    if user.role != User.Role.TEAM_LEAD or user.team_id is None:
        return []
    return list(
        Decision.objects.filter(
            status=Decision.Status.AWAITING,
            procedure__trajectory__in=trajectories_visible_to(user).filter(team_id=user.team_id).values("pk"),
        )
        .exclude(created_by=user)  # four eyes: not their own
        .select_related("procedure__person", "created_by")
        .order_by("created_at", "pk")[:limit]
    )
