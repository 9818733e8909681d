"""The summary table the dashboards read (steering.Fact), rewritten per range of days.

Each source adds cells: per day, per combination of the filter dimensions (municipality, area, team,
organisation, law) and per measure (with an optional dimension such as the signal's source) a count
and a total (days, cents or score points). Flow measures are dated by the day the event happened
(the signal's date, the day the decision was made known); state measures describe a day (open
procedures past their term, the caseload, provisions running) and are kept for month ends and for the
last day of the latest refresh only.

The computation reads the live tables once per refresh, in a few grouped queries per source, and writes
the cells in bulk; a refresh of one day of changes takes well under a second on the demo data (see
docs/performance.md for the figures at scale). Nothing here is shown to a user directly: the
dashboards read the facts through steering/selectors.py.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from toegang.cases.models import RegisseurAssignment, Trajectory
from toegang.istandaarden.models import ClaimLine
from toegang.network.models import CaseConference, Escalation, EscalationStep, PartnerAgreement, Referral
from toegang.network.partners import Agreements
from toegang.plans.models import GoalReview, SelfRelianceScore
from toegang.procedures import calendar as working_days
from toegang.procedures.models import Decision, Objection, Procedure, Provision
from toegang.procedures.selectors import clocks_of, rules_for
from toegang.signals.models import Signal
from toegang.steering.models import BudgetLine, Fact, MonthFact, Refresh

Where = tuple[int, int | None, int | None, int | None, str]  # municipality, area, team, organisation, law

# Measures that describe a day rather than count what happened on it.
STATE_MEASURES = frozenset(
    {
        "overdue",
        "caseload",
        "provision_client",
        "provision_household",
        "provision_household_any",
        "youth_provision",
        "plan_review",
    }
)
# Measures that count what happened on a day (the dashboards name them, so the database can use its
# index on (municipality, measure, day)).
FLOW_MEASURES = frozenset(
    {
        "signal",
        "signal_channel",
        "signal_repeat",
        "funnel",
        "report",
        "report_in_time",
        "decision",
        "decision_in_time",
        "penalty",
        "default_notice",
        "objection",
        "objection_decided",
        "goal_review",
        "self_reliance",
        "referral_closed",
        "referral_answer",
        "conference",
        "escalation",
        "escalation_decided",
        "message_answer",
        "cost",
    }
)
# The clocks (procedures/selectors.CLOCKS) whose meeting day counts as a lead time: the Wmo report of
# the investigation, and the decision under each law.
MEASURE_OF_CLOCK = {"onderzoek": "report", "beschikking": "decision"}
REPEAT_WINDOW_DAYS = 365  # a repeat signal: an earlier signal about the same person in the 12 months before


@dataclass
class Cells:
    """The facts being built: (day, where, measure, dimension) → [count, total]."""

    values: dict[tuple[dt.date, Where, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(
        self,
        day: dt.date | None,
        where: Where,
        measure: str,
        dimension: str = "",
        count: int = 1,
        total: int | None = 0,
    ) -> None:
        """Count into a cell; a row without its day (a nullable date of the query) counts nowhere."""
        if day is None:
            return
        cell = self.values[(day, where, measure, dimension)]
        cell[0] += count
        cell[1] += total or 0

    COLUMNS = ("day", "municipality_id", "area_id", "team_id", "organisation_id", "law", "measure", "dimension")

    def rows(self) -> Iterable[tuple[Any, ...]]:
        """One tuple per fact: the values of COLUMNS, then count and total."""
        for (day, (municipality, area, team, organisation, law), measure, dimension), (
            count,
            total,
        ) in self.values.items():
            yield (day, municipality, area, team, organisation, law, measure, dimension[:40], count, total)

    def write(self) -> None:
        insert(Fact, (*self.COLUMNS, "count", "total"), self.rows())


def insert(model: Any, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert many summary rows: with COPY on PostgreSQL (several times faster than INSERT for the whole
    history), in batches of INSERTs elsewhere. ``model`` may be a migration's historical model."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000)
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def roll_up_months(first: dt.date, last: dt.date, *, fact: Any = Fact, month_fact: Any = MonthFact) -> None:
    """Rewrite the monthly roll-up of the flow facts for the months that first–last touches (whole
    months, from the daily facts now in the table)."""
    start = first.replace(day=1)
    end = dt.date(last.year, last.month, month_calendar.monthrange(last.year, last.month)[1])
    month_fact.objects.filter(month__range=(start, end)).delete()
    columns = ("month", "municipality_id", "area_id", "team_id", "organisation_id", "law", "measure", "dimension")
    sums = (
        fact.objects.filter(day__range=(start, end), measure__in=FLOW_MEASURES)
        .annotate(month=TruncMonth("day"))
        .values(*columns)
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list(*columns, "c", "t")
    )
    rows = [(m.date() if isinstance(m, dt.datetime) else m, *rest) for m, *rest in sums]  # read before COPY
    insert(month_fact, (*columns, "count", "total"), rows)


def state_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The days a state is kept for within first–last: every month end, and the last day itself."""
    days = []
    year, month = first.year, first.month
    while True:
        end = dt.date(year, month, month_calendar.monthrange(year, month)[1])
        if end > last:
            break
        days.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if last not in days:
        days.append(last)
    return days


def _trajectory_places(trajectory_ids: Iterable[int]) -> dict[int, tuple[int, int | None, int]]:
    """Per trajectory: its household's municipality and area, and its team."""
    ids = set(trajectory_ids)
    if not ids:
        return {}
    return {
        pk: (municipality, area, team)
        for pk, municipality, area, team in Trajectory.objects.filter(pk__any_of=list(ids)).values_list(
            "pk", "household__municipality_id", "household__area_id", "team_id"
        )
    }


def _signals(cells: Cells, first: dt.date, last: dt.date) -> None:
    rows = Signal.objects.filter(received_on__range=(first, last)).values_list(
        "received_on", "municipality_id", "area_id", "team_id", "source", "channel", "main_person_id"
    )
    people = {row[6] for row in rows if row[6] is not None}
    earlier: dict[int, list[dt.date]] = defaultdict(list)  # per person the dates of their signals
    for person, day in Signal.objects.filter(
        main_person_id__any_of=list(people), received_on__gte=first - dt.timedelta(days=REPEAT_WINDOW_DAYS)
    ).values_list("main_person_id", "received_on"):
        earlier[person].append(day)
    for day, municipality, area, team, source, channel, person in rows:
        where: Where = (municipality, area, team, None, "")
        cells.add(day, where, "signal", source)
        cells.add(day, where, "signal_channel", channel)
        cells.add(day, where, "funnel", "melding")
        if person is not None and any(
            day - dt.timedelta(days=REPEAT_WINDOW_DAYS) <= other < day for other in earlier[person]
        ):
            cells.add(day, where, "signal_repeat")
    for triaged, municipality, area, team, outcome in Signal.objects.filter(
        triaged_on__range=(first, last), status=Signal.Status.TRIAGED
    ).values_list("triaged_on", "municipality_id", "area_id", "team_id", "outcome"):
        cells.add(triaged, (municipality, area, team, None, ""), "funnel", outcome or "onbekend")


def _plans(cells: Cells, first: dt.date, last: dt.date) -> None:
    """The funnel's plan stage: a trajectory's first agreed plan, on the day it was agreed."""
    from toegang.plans.models import Plan

    firsts = (
        Plan.objects.filter(agreed_on__isnull=False)
        .values("trajectory_id")
        .annotate(first=Min("agreed_on"))
        .filter(first__range=(first, last))
        .values_list("trajectory_id", "first")
    )
    rows = list(firsts)
    places = _trajectory_places(t for t, _d in rows)
    for trajectory, day in rows:
        municipality, area, team = places[trajectory]
        cells.add(day, (municipality, area, team, None, ""), "funnel", "plan")


def _procedures(cells: Cells, first: dt.date, last: dt.date, states: list[dt.date]) -> None:
    """Lead times and terms from the procedures' clocks (the same computation as the procedure page):
    the report (Wmo), the decision, notices of default, penalties, and open procedures past their term."""
    procedures = list(
        Procedure.objects.filter(
            Q(report_sent_on__range=(first, last))
            | Q(decided_on__range=(first, last))
            | Q(notice_of_default_on__range=(first, last))
            | Q(reported_on__lte=last, status__in=[Procedure.Status.MELDING, Procedure.Status.APPLICATION])
            | Q(reported_on__lte=last, decided_on__gt=states[0])
            | Q(reported_on__lte=last, report_sent_on__gt=states[0])
            | Q(reported_on__lte=last, withdrawn_on__gt=states[0])
        )
        .select_related("person", "trajectory__household")
        .prefetch_related("pauses")
        .distinct()
    )
    rules = rules_for({p.trajectory.household.municipality_id for p in procedures})
    for procedure in procedures:
        household = procedure.trajectory.household
        where: Where = (household.municipality_id, household.area_id, procedure.trajectory.team_id, None, procedure.law)
        if procedure.notice_of_default_on and first <= procedure.notice_of_default_on <= last:
            cells.add(procedure.notice_of_default_on, where, "default_notice")
        overdue_days: set[dt.date] = set()
        for clock in clocks_of(procedure, municipality_id=household.municipality_id, rules=rules, on=last):
            if clock.resident:
                continue
            done = clock.done_on
            measure = MEASURE_OF_CLOCK.get(clock.code.split("-", 1)[1], "")
            if measure and done is not None and first <= done <= last:
                cells.add(done, where, measure, "", 1, (done - clock.runs_from).days)
                if done <= clock.deadline:
                    cells.add(done, where, f"{measure}_in_time")
                if clock.penalty is not None and clock.penalty.amount_cents:
                    cells.add(done, where, "penalty", "", 1, clock.penalty.amount_cents)
            if clock.paused:
                continue  # not running
            for day in states:  # until the procedure ended (a withdrawal of old, without a date: never)
                if (clock.stopped_on is not None and clock.stopped_on <= day) or (
                    procedure.status == Procedure.Status.WITHDRAWN and procedure.withdrawn_on is None
                ):
                    continue
                if clock.runs_from <= day and (done is None or done > day) and clock.deadline < day:
                    overdue_days.add(day)
        for day in overdue_days:  # a procedure counts once, however many of its terms have passed
            cells.add(day, where, "overdue")
    for received, municipality, area, team, law in Objection.objects.filter(
        received_on__range=(first, last)
    ).values_list(
        "received_on",
        "decision__procedure__trajectory__household__municipality_id",
        "decision__procedure__trajectory__household__area_id",
        "decision__procedure__trajectory__team_id",
        "decision__procedure__law",
    ):
        cells.add(received, (municipality, area, team, None, law), "objection")
    for decided, outcome, municipality, area, team, law in Objection.objects.filter(
        decided_on__range=(first, last)
    ).values_list(
        "decided_on",
        "outcome",
        "decision__procedure__trajectory__household__municipality_id",
        "decision__procedure__trajectory__household__area_id",
        "decision__procedure__trajectory__team_id",
        "decision__procedure__law",
    ):
        cells.add(decided, (municipality, area, team, None, law), "objection_decided", outcome)


def _decisions_and_provisions(cells: Cells, first: dt.date, last: dt.date, states: list[dt.date]) -> None:
    """The funnel's last stage (a granted decision made known), the pgb budgets as costs, and who has a
    provision running on the state days (clients and households per law, youth for the BBV)."""
    budget_lines = {(b.law, b.category): b.taakveld for b in BudgetLine.objects.all()}
    for sent, municipality, area, team, law in Decision.objects.filter(
        sent_on__range=(first, last), outcome=Decision.Outcome.GRANTED
    ).values_list(
        "sent_on",
        "procedure__trajectory__household__municipality_id",
        "procedure__trajectory__household__area_id",
        "procedure__trajectory__team_id",
        "procedure__law",
    ):
        cells.add(sent, (municipality, area, team, None, law), "funnel", "maatwerk")
    for decided_day, budget, category, law, municipality, area, team in Provision.objects.filter(
        decision__sent_on__range=(first, last), delivery=Provision.Delivery.PGB, budget_cents__isnull=False
    ).values_list(
        "decision__sent_on",
        "budget_cents",
        "category__code",
        "category__law",
        "decision__procedure__trajectory__household__municipality_id",
        "decision__procedure__trajectory__household__area_id",
        "decision__procedure__trajectory__team_id",
    ):
        taakveld = budget_lines.get((law, category), "onbekend")
        cells.add(decided_day, (municipality, area, team, None, law), "cost", taakveld, 1, budget)
    running = (
        Provision.objects.filter(decision__status=Decision.Status.SENT, start_date__lte=states[-1])
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=states[0]))
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=states[0]))
        .values_list(
            "start_date",
            "end_date",
            "stopped_on",
            "category__code",
            "category__law",
            "decision__procedure__person_id",
            "decision__procedure__person__geboortedatum",
            "decision__procedure__trajectory__household_id",
            "decision__procedure__trajectory__household__municipality_id",
            "decision__procedure__trajectory__household__area_id",
            "decision__procedure__trajectory__team_id",
        )
    )
    seen: set[tuple[dt.date, str, str, int]] = set()
    for start, end, stopped, category, law, person, born, household, municipality, area, team in running:
        for day in states:
            if start > day or (end is not None and end < day) or (stopped is not None and stopped < day):
                continue
            where: Where = (municipality, area, team, None, law)
            youth = born is not None and _age(born, day) < 18
            if (day, law, "person", person) not in seen:  # clients per law (dimension: the law)
                seen.add((day, law, "person", person))
                cells.add(day, where, "provision_client", law)
            if youth and law == "jeugd" and category not in ("47", "48", "49") and (day, "jh", "", person) not in seen:
                seen.add((day, "jh", "", person))
                cells.add(day, where, "youth_provision", "jeugdhulp")
            if youth and youth_protection(law, category) and (day, "jb", "", person) not in seen:
                seen.add((day, "jb", "", person))
                cells.add(day, where, "youth_provision", "jeugdbescherming")
            if (day, law, "household", household) not in seen:  # households per law, for a law filter
                seen.add((day, law, "household", household))
                cells.add(day, where, "provision_household")
            if (day, "", "household", household) not in seen:  # and once over all laws
                seen.add((day, "", "household", household))
                cells.add(day, (municipality, area, team, None, ""), "provision_household_any")


def youth_protection(law: str, category: str) -> bool:
    return law == "jeugd" and category == "48"  # iJw JZ020 productcategorie 48: jeugdbescherming


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _claims(cells: Cells, first: dt.date, last: dt.date) -> None:
    """Approved declared amounts (a credit line subtracts), on the last day of the period they cover,
    per taakveld of their product category."""
    budget_lines = {(b.law, b.category): b.taakveld for b in BudgetLine.objects.all()}
    for day, amount, credit, category, standard, municipality, area, team in ClaimLine.objects.filter(
        approved=True, period_end__range=(first, last)
    ).values_list(
        "period_end",
        "amount_cents",
        "credit",
        "category",
        "message__standard",
        "message__municipality_id",
        "provision__decision__procedure__trajectory__household__area_id",
        "provision__decision__procedure__trajectory__team_id",
    ):
        if municipality is None:
            continue
        law = "wmo" if standard == "WMO" else "jeugd"
        cells.add(
            day, (municipality, area, team, None, law), "cost", budget_lines.get((law, category), "onbekend"), 1,
            -amount if credit else amount,
        )  # fmt: skip


def _caseload(cells: Cells, states: list[dt.date]) -> None:
    """Per state day and regisseur: the open trajectories they carry (dimension: the professional)."""
    rows = (
        RegisseurAssignment.objects.filter(start_date__lte=states[-1])
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=states[0]))
        .filter(Q(trajectory__closed_on__isnull=True) | Q(trajectory__closed_on__gte=states[0]))
        .values_list(
            "start_date",
            "end_date",
            "professional_id",
            "professional__organisation_id",
            "trajectory__started_on",
            "trajectory__closed_on",
            "trajectory__household__municipality_id",
            "trajectory__household__area_id",
            "trajectory__team_id",
        )
    )
    for start, end, professional, organisation, opened, closed, municipality, area, team in rows:
        for day in states:
            if start <= day and (end is None or end >= day) and opened <= day and (closed is None or closed > day):
                cells.add(day, (municipality, area, team, organisation, ""), "caseload", str(professional))


def _results(cells: Cells, first: dt.date, last: dt.date) -> None:
    """Goals reviewed (by outcome) and the change in self-reliance per domain: a score at a review
    compared with the first score of the same domain in the same trajectory."""
    reviewed = GoalReview.objects.filter(review__held_on__range=(first, last)).values_list(
        "review__held_on", "outcome", "review__plan__trajectory_id"
    )
    rows = list(reviewed)
    scores = list(
        SelfRelianceScore.objects.filter(review__isnull=False, scored_on__range=(first, last)).values_list(
            "scored_on", "trajectory_id", "domain_id", "domain__code", "level__level"
        )
    )
    places = _trajectory_places([t for _d, _o, t in rows] + [s[1] for s in scores])
    for day, outcome, trajectory in rows:
        municipality, area, team = places[trajectory]
        cells.add(day, (municipality, area, team, None, ""), "goal_review", outcome)
    if not scores:
        return
    intake: dict[tuple[int, int], int] = {}
    for trajectory, domain, level in (
        SelfRelianceScore.objects.filter(exploration__isnull=False, trajectory_id__any_of=list({s[1] for s in scores}))
        .order_by("scored_on", "pk")
        .values_list("trajectory_id", "domain_id", "level__level")
    ):
        intake.setdefault((trajectory, domain), level)
    for day, trajectory, domain, code, level in scores:
        before = intake.get((trajectory, domain))
        if before is not None:
            municipality, area, team = places[trajectory]
            cells.add(day, (municipality, area, team, None, ""), "self_reliance", code, 1, level - before)


def _network(cells: Cells, first: dt.date, last: dt.date) -> None:
    """Referrals closed (by outcome) and answered (within the partner agreement or not), case
    conferences held, escalations raised and decided (by the level that decided)."""
    referrals = list(
        Referral.objects.filter(Q(closed_on__range=(first, last)) | Q(answered_on__range=(first, last))).values_list(
            "closed_on", "answered_on", "sent_on", "status", "helped", "organisation_id", "trajectory_id"
        )
    )
    conferences = list(
        CaseConference.objects.filter(held_on__range=(first, last), status=CaseConference.Status.HELD).values_list(
            "held_on", "trajectory_id"
        )
    )
    raised = list(Escalation.objects.filter(raised_on__range=(first, last)).values_list("raised_on", "trajectory_id"))
    decided = list(
        EscalationStep.objects.filter(left_on__range=(first, last), outcome=EscalationStep.Outcome.DECIDED).values_list(
            "left_on", "escalation__trajectory_id", "level__title"
        )
    )
    places = _trajectory_places(
        [r[6] for r in referrals] + [c[1] for c in conferences] + [e[1] for e in raised] + [d[1] for d in decided]
    )
    agreements: dict[int, Agreements] = defaultdict(lambda: Agreements([]))
    by_municipality: dict[int, list[PartnerAgreement]] = defaultdict(list)
    for row in PartnerAgreement.objects.filter(kind=PartnerAgreement.Kind.ANSWER):  # read once
        by_municipality[row.municipality_id].append(row)
    agreements.update({m: Agreements(rows) for m, rows in by_municipality.items()})
    for closed, answered, sent, status, helped, organisation, trajectory in referrals:
        municipality, area, team = places[trajectory]
        where: Where = (municipality, area, team, organisation, "")
        if closed is not None and first <= closed <= last:
            cells.add(closed, where, "referral_closed", f"{status}_{helped}" if helped else status)
        if answered is not None and sent is not None and first <= answered <= last:
            found = agreements[municipality].on(organisation, PartnerAgreement.Kind.ANSWER, sent)
            due = working_days.add_working_days(sent, found.value if found else settings.REFERRAL_ANSWER_DAYS)
            cells.add(answered, where, "referral_answer", "op_tijd" if answered <= due else "te_laat")
    for held, trajectory in conferences:
        municipality, area, team = places[trajectory]
        cells.add(held, (municipality, area, team, None, ""), "conference")
    for raised_on, trajectory in raised:
        municipality, area, team = places[trajectory]
        cells.add(raised_on, (municipality, area, team, None, ""), "escalation")
    for left, trajectory, level in decided:
        municipality, area, team = places[trajectory]
        cells.add(left, (municipality, area, team, None, ""), "escalation_decided", level)


def _messages(cells: Cells, first: dt.date, last: dt.date) -> None:
    """iWmo/iJw messages that had to be answered by a day in the range: answered in time or not (an
    unanswered one counts as late once its day has passed; until then it is not counted)."""
    from toegang.istandaarden.models import Message

    for due, answered, municipality, standard in Message.objects.filter(
        due_on__range=(first, last), municipality__isnull=False
    ).values_list("due_on", "answered_on", "municipality_id", "standard"):
        law = "wmo" if standard == "WMO" else "jeugd"
        where: Where = (municipality, None, None, None, law)
        if due is None:  # filtered on a range; the column's type does not know
            continue
        if answered is not None:
            cells.add(due, where, "message_answer", "op_tijd" if answered <= due else "te_laat")
        elif due < last:
            cells.add(due, where, "message_answer", "te_laat")


def _plan_reviews(cells: Cells, states: list[dt.date]) -> None:
    """Per state day, the plan in force of each open trajectory (its latest version agreed by then) and
    whether its review is not overdue: the next review set at its latest review held by then, else the
    agreed day plus the agreed interval; no next review set (every goal settled) counts as in time."""
    from toegang.plans.models import Plan, Review

    plans = list(
        Plan.objects.filter(agreed_on__isnull=False, agreed_on__lte=states[-1])
        .filter(Q(trajectory__closed_on__isnull=True) | Q(trajectory__closed_on__gte=states[0]))
        .values_list("pk", "trajectory_id", "version", "agreed_on", "review_interval_weeks", "trajectory__closed_on")
        .order_by("trajectory_id", "version")
    )
    if not plans:
        return
    reviews: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for plan_id, held_on, next_on in (
        Review.objects.filter(plan_id__any_of=[p[0] for p in plans], held_on__lte=states[-1])
        .order_by("held_on", "pk")
        .values_list("plan_id", "held_on", "next_review_on")
    ):
        reviews[plan_id].append((held_on, next_on))
    places = _trajectory_places({p[1] for p in plans})
    by_trajectory: dict[int, list[tuple[int, int, dt.date, int, dt.date | None]]] = defaultdict(list)
    for pk, trajectory, version, agreed, weeks, closed in plans:
        if agreed is not None:  # filtered on; the type of the column does not know
            by_trajectory[trajectory].append((pk, version, agreed, weeks, closed))
    for trajectory, versions in by_trajectory.items():
        municipality, area, team = places[trajectory]
        for day in states:
            in_force = [v for v in versions if v[2] <= day and (v[4] is None or v[4] > day)]
            if not in_force:
                continue
            pk, _version, agreed, weeks, _closed = in_force[-1]
            held = [r for r in reviews.get(pk, []) if r[0] <= day]
            due = held[-1][1] if held else agreed + dt.timedelta(weeks=weeks)
            cells.add(
                day,
                (municipality, area, team, None, ""),
                "plan_review",
                "op_tijd" if due is None or due >= day else "te_laat",
            )


SOURCES = (_signals, _plans, _results, _network, _claims, _messages)


@dataclass(frozen=True)
class RefreshResult:
    first: dt.date
    last: dt.date
    facts: int
    seconds: float


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def _drop_stale_states(*, before: dt.date) -> None:
    """States of days before ``before`` that are not a month end: left by an earlier refresh as its
    last day, now superseded."""
    oldest = Fact.objects.filter(measure__in=STATE_MEASURES, day__lt=before).aggregate(d=Min("day"))["d"]
    if oldest is None:
        return
    keep = [day for day in state_days(oldest, before - dt.timedelta(days=1)) if _is_month_end(day)]
    Fact.objects.filter(measure__in=STATE_MEASURES, day__lt=before).exclude(day__in=keep).delete()


REFRESH_LOCK = 7_100_007  # the advisory-lock key of the summary refresh (PostgreSQL)


def _one_refresh_at_a_time() -> None:
    """Two refreshes writing at once would each delete only what the other had not yet committed, and
    both inserts would stay: the second waits for the first (PostgreSQL advisory lock for the rest of
    the transaction; SQLite serialises writers by itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])


def refresh(*, first: dt.date, last: dt.date) -> RefreshResult:
    """Rewrite the facts of first–last in one transaction: the flows of every day in the range, the
    states of its month ends and of its last day; older states of days that are no month end go (only
    the latest day's state is kept besides month ends). Readers see the old facts until it commits."""
    if last < first:
        raise ValueError("refresh: last before first")
    started = timezone.now()
    states = state_days(first, last)
    cells = Cells()
    for source in SOURCES:
        source(cells, first, last)
    _procedures(cells, first, last, states)
    _decisions_and_provisions(cells, first, last, states)
    _caseload(cells, states)
    _plan_reviews(cells, states)
    with transaction.atomic():
        _one_refresh_at_a_time()
        run = Refresh.objects.create(started_at=started, first_day=first, last_day=last)
        Fact.objects.filter(day__range=(first, last)).delete()
        _drop_stale_states(before=first)
        cells.write()
        roll_up_months(first, last)
        run.facts = len(cells.values)
        run.finished_at = timezone.now()
        run.save(update_fields=["facts", "finished_at"])
    return RefreshResult(first, last, run.facts, (run.finished_at - started).total_seconds())


def latest() -> Refresh | None:
    """The completed refresh that reached furthest (then the latest of those): the dashboards show until
    which day the figures are complete."""
    return Refresh.objects.filter(finished_at__isnull=False).order_by("-last_day", "-finished_at").first()
