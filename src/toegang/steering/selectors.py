"""Indicator values for the dashboards, read from the summary table only (never the dossier tables).

A dashboard asks ``dashboard(filters)``: a handful of grouped queries over ``steering.Fact`` (the
period's flows, the state at its end, the same for the previous period, and the monthly trend) and the
catalogue; each indicator is then computed in Python from those sums.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from django.db.models import Case, Max, QuerySet, Sum, When
from django.db.models import Value as V
from django.utils import timezone

from toegang.common.dates import today as common_today
from toegang.common.periods import Period
from toegang.signals.models import Signal
from toegang.steering import disclosure, summaries
from toegang.steering.models import Fact, FactCells, Indicator, MonthFact, Norm, Population, Refresh

Sums = dict[tuple[str, str], tuple[int, int]]  # (measure, dimension) → (count, total)
AnyFact = TypeVar("AnyFact", bound=FactCells)


@dataclass(frozen=True)
class Filters:
    municipality_id: int
    period: Period
    law: str = ""
    area_id: int | None = None
    team_id: int | None = None
    organisation_id: int | None = None
    populations: tuple[Population, ...] = ()  # the municipality's inhabitants, newest year first
    labels: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)  # names per measure

    def facts(self) -> QuerySet[Fact]:
        """The daily facts under these filters (the period aside)."""
        return self.narrow(Fact.objects.all())

    def month_facts(self) -> QuerySet[MonthFact]:
        """The monthly roll-up of the flows under these filters (the period aside)."""
        return self.narrow(MonthFact.objects.all())

    def narrow(self, facts: QuerySet[AnyFact]) -> QuerySet[AnyFact]:
        facts = facts.filter(municipality_id=self.municipality_id)
        if self.law:
            facts = facts.filter(law=self.law)
        if self.area_id:
            facts = facts.filter(area_id=self.area_id)
        if self.team_id:
            facts = facts.filter(team_id=self.team_id)
        if self.organisation_id:
            facts = facts.filter(organisation_id=self.organisation_id)
        return facts


@dataclass
class Figures:
    """The sums of one period: flows over its days and the state at its last state day."""

    flows: Sums
    state: Sums
    state_day: dt.date | None

    @property
    def has_data(self) -> bool:
        """Whether the summaries cover this period at all (an empty period shows "—", not zeros)."""
        return bool(self.flows) or self.state_day is not None

    def count(self, measure: str, dimension: str | None = None) -> int:
        source = self.state if measure in summaries.STATE_MEASURES else self.flows
        return sum(c for (m, d), (c, _t) in source.items() if m == measure and (dimension is None or d == dimension))

    def total(self, measure: str, dimension: str | None = None) -> int:
        source = self.state if measure in summaries.STATE_MEASURES else self.flows
        return sum(t for (m, d), (_c, t) in source.items() if m == measure and (dimension is None or d == dimension))

    def dimensions(self, measure: str) -> dict[str, tuple[int, int]]:
        source = self.state if measure in summaries.STATE_MEASURES else self.flows
        found: dict[str, tuple[int, int]] = {}
        for (m, d), (c, t) in source.items():
            if m == measure:
                before = found.get(d, (0, 0))
                found[d] = (before[0] + c, before[1] + t)
        return found


def _grouped(facts: QuerySet[Fact]) -> Sums:
    return {
        (measure, dimension): (count or 0, total or 0)
        for measure, dimension, count, total in facts.values("measure", "dimension")
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list("measure", "dimension", "c", "t")
    }


def monthly_flows(filters: Filters, start: dt.date, end: dt.date) -> dict[dt.date, Sums]:
    """The flows of every month from ``start`` to ``end`` (first days of months), in one query: every
    period a dashboard shows (a month, a quarter, a year, the one before, the trend) is whole months."""
    found: dict[dt.date, Sums] = defaultdict(dict)
    for month, measure, dimension, count, total in (
        filters.month_facts()
        .filter(month__range=(start, end))
        .values("month", "measure", "dimension")
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list("month", "measure", "dimension", "c", "t")
    ):
        key = month.date() if isinstance(month, dt.datetime) else month
        found[key][(measure, dimension)] = (count or 0, total or 0)
    return found


def _merged(monthly: dict[dt.date, Sums], period: Period) -> Sums:
    merged: dict[tuple[str, str], tuple[int, int]] = {}
    for month, sums in monthly.items():
        if period.start <= month <= period.end:
            for key, (count, total) in sums.items():
                before = merged.get(key, (0, 0))
                merged[key] = (before[0] + count, before[1] + total)
    return merged


def figures(filters: Filters, period: Period, monthly: dict[dt.date, Sums]) -> Figures:
    """Flows of the period (from ``monthly`` when the caller read the months already) and the state at
    its end (the latest state day within it)."""
    base = filters.facts()
    flows = _merged(monthly, period)
    state_day = Fact.objects.filter(
        municipality_id=filters.municipality_id,
        measure__in=summaries.STATE_MEASURES,
        day__range=(period.start, period.end),
    ).aggregate(d=Max("day"))["d"]
    state = _grouped(base.filter(day=state_day, measure__in=summaries.STATE_MEASURES)) if state_day else {}
    return Figures(flows=flows, state=state, state_day=state_day)


@dataclass
class Value:
    """One indicator's value in a period, with what it is made of (for the small-cell rules and the
    table alternative of a chart)."""

    number: float | None  # the value in the indicator's unit; None: no data or not applicable
    kind: str = "count"  # count | share | average | amount | amount_per | rate: how it is made (small-cell rules)
    part: int = 0  # for shares: the part; for averages and sums: how many cases
    whole: int = 0  # for shares: the whole
    total: int = 0  # for averages and sums: the sum (days, cents, score points)
    breakdown: list[tuple[str, int]] = field(default_factory=list)  # (label, count) of the dimension
    cases: list[int] = field(default_factory=list)  # for a breakdown of amounts: how many cases make each up
    note: str = ""
    withheld: bool = False  # protected outputs: the count is not shown (see across_filters)
    withheld_parts: set[str] = field(default_factory=set)  # … nor these parts of its breakdown


LABELS: dict[str, dict[str, str]] = {
    "signal": {code: str(label) for code, label in Signal.Source.choices},
    "signal_channel": {code: str(label) for code, label in Signal.Channel.choices},
    "funnel": {
        "melding": "Melding",
        "advies": "Direct beantwoord / advies",
        "voorliggend": "Voorliggend veld",
        "intake": "Intake (traject)",
        "plan": "Plan afgesproken",
        "maatwerk": "Maatwerkvoorziening toegekend",
    },
    "objection_decided": {
        "gegrond": "Gegrond",
        "deels_gegrond": "Deels gegrond",
        "ongegrond": "Ongegrond",
        "niet_ontvankelijk": "Niet-ontvankelijk",
        "ingetrokken": "Ingetrokken",
    },
    "goal_review": {"bereikt": "Bereikt", "deels": "Deels bereikt", "niet": "Niet bereikt"},
    "referral_closed": {
        "afgerond_ja": "Afgerond, geholpen",
        "afgerond_deels": "Afgerond, deels geholpen",
        "afgerond_nee": "Afgerond, niet geholpen",
        "niet_verschenen": "Niet verschenen",
        "afgewezen": "Afgewezen",
        "ingetrokken": "Ingetrokken",
    },
    "referral_answer": {"op_tijd": "Binnen de afspraak", "te_laat": "Later dan afgesproken"},
    "message_answer": {"op_tijd": "Op tijd beantwoord", "te_laat": "Te laat of niet beantwoord"},
    "plan_review": {"op_tijd": "Evaluatie niet over datum", "te_laat": "Evaluatie over datum"},
}
FUNNEL_ORDER = ["melding", "advies", "voorliggend", "intake", "plan", "maatwerk"]


def _names() -> dict[str, dict[str, str]]:
    """The names of life domains and budget lines for the breakdowns (two small queries per dashboard)."""
    from toegang.plans.models import LifeDomain
    from toegang.steering.models import BudgetLine

    return {
        "self_reliance": dict(LifeDomain.objects.values_list("code", "name")),
        "cost": {
            line: f"Taakveld {line} {name}"
            for line, name in BudgetLine.objects.values_list("taakveld", "taakveld_name")
        },
    }


def _breakdown(
    figures: Figures, measure: str, order: list[str] | None = None, names: dict[str, str] | None = None
) -> list[tuple[str, int]]:
    found = figures.dimensions(measure)
    labels = names if names is not None else LABELS.get(measure, {})
    keys = order or sorted(found, key=lambda d: -found[d][0])
    return [(labels.get(key, key or "—"), found.get(key, (0, 0))[0]) for key in keys]


def _share(part: int, whole: int) -> Value:
    return Value(number=100 * part / whole if whole else None, kind="share", part=part, whole=whole)


def _average(total: int, n: int) -> Value:
    return Value(number=total / n if n else None, kind="average", part=n, total=total)


def _count(figures: Figures, measure: str, breakdown: str | None = None) -> Value:
    n = figures.count(measure)
    return Value(number=n, part=n, breakdown=_breakdown(figures, breakdown) if breakdown else [])


def _population(filters: Filters, period: Period) -> Population | None:
    """The inhabitants of the latest year up to the period's end (from the list the dashboard read once)."""
    return next((p for p in filters.populations if p.year <= period.end.year), None)


Compute = Callable[[Figures, Filters, Period], Value]


def _funnel(f: Figures, _filters: Filters, _period: Period) -> Value:
    value = _count(f, "funnel")
    value.number = f.count("funnel", "melding")
    value.breakdown = _breakdown(f, "funnel", FUNNEL_ORDER)
    return value


def _without_provision(f: Figures, _filters: Filters, _period: Period) -> Value:
    front = f.count("funnel", "advies") + f.count("funnel", "voorliggend")
    return _share(front, front + f.count("funnel", "intake"))


def _upheld(f: Figures, _filters: Filters, _period: Period) -> Value:
    decided = f.dimensions("objection_decided")
    upheld = decided.get("gegrond", (0, 0))[0]  # "deels gegrond" is shown in the breakdown, not counted
    counted = sum(c for k, (c, _t) in decided.items() if k != "ingetrokken")
    value = _share(upheld, counted)
    value.breakdown = _breakdown(f, "objection_decided")
    return value


def _caseload(f: Figures, _filters: Filters, _period: Period) -> Value:
    per_professional = f.dimensions("caseload")
    value = _average(sum(c for c, _t in per_professional.values()), len(per_professional))
    value.part = len(per_professional)
    value.total = sum(c for c, _t in per_professional.values())
    return value


def _goals(f: Figures, _filters: Filters, _period: Period) -> Value:
    value = _share(f.count("goal_review", "bereikt"), f.count("goal_review"))
    value.breakdown = _breakdown(f, "goal_review", ["bereikt", "deels", "niet"])
    return value


def _self_reliance(f: Figures, filters: Filters, _period: Period) -> Value:
    value = _average(f.total("self_reliance"), f.count("self_reliance"))
    value.breakdown = _breakdown(f, "self_reliance", names=filters.labels.get("self_reliance", {}))
    return value


def _escalations(f: Figures, _filters: Filters, _period: Period) -> Value:
    value = _count(f, "escalation")
    value.breakdown = [("Geëscaleerd in de periode", f.count("escalation"))] + [
        (f"Besloten door {level}", c) for level, (c, _t) in f.dimensions("escalation_decided").items()
    ]
    return value


def _costs(f: Figures, filters: Filters, _period: Period) -> Value:
    per_line = f.dimensions("cost")
    value = Value(number=f.total("cost") / 100, kind="amount", part=f.count("cost"), total=f.total("cost"))
    names = filters.labels.get("cost", {})
    value.breakdown = [
        (names.get(line, f"Taakveld {line}"), round(t / 100)) for line, (_c, t) in sorted(per_line.items())
    ]
    value.cases = [c for _line, (c, _t) in sorted(per_line.items())]
    return value


def _cost_per_household(f: Figures, filters: Filters, _period: Period) -> Value:
    # households over all laws are counted once; with a law filter, those with a provision under that law
    households = f.count("provision_household" if filters.law else "provision_household_any")
    return Value(
        number=f.total("cost") / 100 / households if households else None,
        kind="amount_per",
        part=households,
        total=f.total("cost"),
    )


def _per_youth(dimension: str) -> Compute:
    def compute(f: Figures, filters: Filters, period: Period) -> Value:
        population = _population(filters, period)
        youth = f.count("youth_provision", dimension)
        if population is None or not population.under_18:
            return Value(number=None, kind="rate", part=youth, note="Geen inwonertal voor deze gemeente vastgelegd.")
        if filters.area_id or filters.team_id:
            return Value(
                number=None, kind="rate", part=youth, note="Alleen voor de hele gemeente (inwonertal per gemeente)."
            )
        return Value(number=100 * youth / population.under_18, kind="rate", part=youth, whole=population.under_18)

    return compute


def _wmo_clients(f: Figures, filters: Filters, period: Period) -> Value:
    population = _population(filters, period)
    clients = f.count("provision_client", "wmo")  # BBV 32 is about the Wmo only
    if population is None:
        return Value(number=None, kind="rate", part=clients, note="Geen inwonertal voor deze gemeente vastgelegd.")
    if filters.area_id or filters.team_id:
        return Value(
            number=None, kind="rate", part=clients, note="Alleen voor de hele gemeente (inwonertal per gemeente)."
        )
    return Value(
        number=10_000 * clients / population.inhabitants, kind="rate", part=clients, whole=population.inhabitants
    )


COMPUTE: dict[str, Compute] = {
    "meldingen_bron": lambda f, _fl, _p: _count(f, "signal", "signal"),
    "meldingen_kanaal": lambda f, _fl, _p: _count(f, "signal_channel", "signal_channel"),
    "trechter": _funnel,
    "herhaalmeldingen": lambda f, _fl, _p: _share(f.count("signal_repeat"), f.count("signal")),
    "voorliggend_zonder_maatwerk": _without_provision,
    "doorlooptijd_verslag": lambda f, _fl, _p: _average(f.total("report"), f.count("report")),
    "verslag_binnen_termijn": lambda f, _fl, _p: _share(f.count("report_in_time"), f.count("report")),
    "doorlooptijd_beschikking": lambda f, _fl, _p: _average(f.total("decision"), f.count("decision")),
    "beschikking_binnen_termijn": lambda f, _fl, _p: _share(f.count("decision_in_time"), f.count("decision")),
    "over_termijn": lambda f, _fl, _p: _count(f, "overdue"),
    "ingebrekestellingen": lambda f, _fl, _p: _count(f, "default_notice"),
    "dwangsommen": lambda f, _fl, _p: Value(
        kind="amount", number=f.total("penalty") / 100, part=f.count("penalty"), total=f.total("penalty")
    ),
    "bezwaren": lambda f, _fl, _p: _count(f, "objection"),
    "bezwaren_gegrond": _upheld,
    "caseload": _caseload,
    "doelrealisatie": _goals,
    "zelfredzaamheid": _self_reliance,
    "verwijzingen_uitkomst": lambda f, _fl, _p: _count(f, "referral_closed", "referral_closed"),
    "casusoverleggen": lambda f, _fl, _p: _count(f, "conference"),
    "escalaties": _escalations,
    "partner_sla": lambda f, _fl, _p: _share(f.count("referral_answer", "op_tijd"), f.count("referral_answer")),
    "istandaarden_sla": lambda f, _fl, _p: _share(f.count("message_answer", "op_tijd"), f.count("message_answer")),
    "evaluatie_op_tijd": lambda f, _fl, _p: _share(f.count("plan_review", "op_tijd"), f.count("plan_review")),
    "kosten_taakveld": _costs,
    "kosten_per_huishouden": _cost_per_household,
    "bbv_29_jeugdhulp": _per_youth("jeugdhulp"),
    "bbv_30_jeugdbescherming": _per_youth("jeugdbescherming"),
    "bbv_32_wmo_maatwerk": _wmo_clients,
}
# What each indicator can be split by besides municipality, area and team (the facts it reads carry it).
SPLITS_BY_LAW = {
    "doorlooptijd_verslag",
    "verslag_binnen_termijn",
    "doorlooptijd_beschikking",
    "beschikking_binnen_termijn",
    "over_termijn",
    "ingebrekestellingen",
    "dwangsommen",
    "bezwaren",
    "bezwaren_gegrond",
    "kosten_taakveld",
    "kosten_per_huishouden",
    "istandaarden_sla",
}
SPLITS_BY_ORGANISATION = {"caseload", "verwijzingen_uitkomst", "partner_sla"}
WHOLE_MUNICIPALITY_ONLY = {"istandaarden_sla"}  # messages belong to the municipality, not to an area or team
NO_DATA = "Geen gegevens voor deze periode."


@dataclass
class Row:
    indicator: Indicator
    now: Value
    before: Value
    trend: list[tuple[dt.date, float | None]]
    norm: Norm | None = None

    @property
    def change(self) -> float | None:
        if self.now.number is None or self.before.number is None:
            return None
        return self.now.number - self.before.number


def _applicable(code: str, filters: Filters) -> str:
    """Why an indicator has no value under these filters ("" when it has)."""
    if filters.law and code not in SPLITS_BY_LAW:
        return "Niet uit te splitsen naar wet."
    if filters.organisation_id and code not in SPLITS_BY_ORGANISATION:
        return "Niet uit te splitsen naar organisatie."
    if (filters.area_id or filters.team_id) and code in WHOLE_MUNICIPALITY_ONLY:
        return "Alleen voor de hele gemeente."
    return ""


def _months(period: Period, until: dt.date, count: int = 12) -> list[Period]:
    """The twelve months up to the period's end, or up to ``until`` (today) when the period runs on."""
    last = Period.containing(min(period.end, until), "maand")
    months = [last]
    while len(months) < count:
        months.append(months[-1].previous())
    return list(reversed(months))


def _trend(
    filters: Filters, months: list[Period], until: dt.date, flows: dict[dt.date, Sums], covered: dt.date | None
) -> dict[dt.date, Figures]:
    """Per month of the twelve up to the period's end (no month after today): the flows read already,
    and the state at the month end, or for the running month at its latest state day (one query over
    those days)."""
    base = filters.facts()
    states: dict[dt.date, Sums] = defaultdict(dict)
    ends = {m.end: m.start for m in months}
    if months[-1].end > until and covered is not None and covered >= months[-1].start:
        del ends[months[-1].end]  # the running month: its state is that of the latest refreshed day
        ends[min(covered, months[-1].end)] = months[-1].start
    for day, measure, dimension, count, total in (
        base.filter(day__in=list(ends), measure__in=summaries.STATE_MEASURES)
        .values("day", "measure", "dimension")
        .annotate(c=Sum("count"), t=Sum("total"))
        .values_list("day", "measure", "dimension", "c", "t")
    ):
        states[ends[day]][(measure, dimension)] = (count or 0, total or 0)
    return {
        m.start: Figures(flows=flows.get(m.start, {}), state=states.get(m.start, {}), state_day=None) for m in months
    }


def dashboard(
    filters: Filters,
    *,
    groups: tuple[str, ...] | None = None,
    today: dt.date | None = None,
    coverage: Refresh | None = None,
    protect: bool = False,
) -> list[Row]:
    """The rows of a dashboard: per indicator (all, or those of ``groups``, in catalogue order) the value
    in the period, in the previous period and per month over the last twelve, with the agreed norm.
    ``coverage`` is the refresh the caller read for the lag note (read here when not given).
    ``protect``: the numbers leave the organisation; mark the counts that ``across_filters`` withholds."""
    filters = replace(
        filters,
        populations=tuple(Population.objects.filter(municipality_id=filters.municipality_id).order_by("-year")),
        labels=_names(),
    )
    period = filters.period
    indicators = Indicator.objects.filter(code__in=list(COMPUTE)).order_by("position")
    if groups is not None:
        indicators = indicators.filter(group__in=groups)
    until = today or common_today()
    months = _months(period, until)
    previous = period.previous()
    monthly = monthly_flows(filters, min(previous.start, months[0].start), period.end)  # one scan for all
    now, before = figures(filters, period, monthly), figures(filters, previous, monthly)
    run = coverage if coverage is not None else summaries.latest()
    trend = _trend(filters, months, until, monthly, run.last_day if run else None)
    norms = {n.indicator_id: n for n in Norm.objects.filter(municipality_id=filters.municipality_id)}
    rows = []
    for indicator in indicators:
        reason = _applicable(indicator.code, filters)
        compute = COMPUTE[indicator.code]
        if reason:
            rows.append(Row(indicator, Value(None, note=reason), Value(None), [], norms.get(indicator.pk)))
            continue
        series = [
            (month, compute(fig, filters, Period.containing(month, "maand")).number) for month, fig in trend.items()
        ]
        rows.append(
            Row(
                indicator,
                compute(now, filters, period) if now.has_data else Value(None, note=NO_DATA),
                compute(before, filters, period.previous()) if before.has_data else Value(None),
                series,
                norms.get(indicator.pk),
            )
        )
    if protect:
        across_filters(rows, filters, {period: now, previous: before}, monthly)
    return rows


# --------------------------------------------------------------------------------------------------
# Small cells across filters (docs/adr/0010-small-cells.md)
# --------------------------------------------------------------------------------------------------

SIBLING_FIELDS = ("area_id", "team_id", "law", "organisation_id")  # the filters a reader can vary one by one


def _free_fields(filters: Filters) -> list[str]:
    """The filters this view leaves open: each splits every number of the view into parts that are
    published as views of their own (a team implies its area)."""
    free = [name for name in SIBLING_FIELDS if not getattr(filters, name)]
    return [name for name in free if not (name == "area_id" and filters.team_id)]


def _siblings(filters: Filters, names: list[str], periods: dict[Period, Figures]) -> list[dict[Period, list[Figures]]]:
    """For each open filter of ``names`` and each period, the figures of every value of that filter under
    the other filters of the view (every area, every team, …): the flows from the monthly roll-up (one
    grouped query per filter) and the states of the periods' state days (one query for all filters)."""
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    found: dict[str, dict[Period, dict[object, Figures]]] = {n: {p: {} for p in periods} for n in names}

    def add(name: str, period: Period, key: object, sums_of: str, row: tuple[str, str, int, int]) -> None:
        if key is None or key == "":
            return  # cases without an area, team, law or organisation are in no part
        figures = found[name][period].setdefault(key, Figures(flows={}, state={}, state_day=periods[period].state_day))
        sums: Sums = getattr(figures, sums_of)
        measure, dimension, count, total = row
        before = sums.get((measure, dimension), (0, 0))
        sums[(measure, dimension)] = (before[0] + (count or 0), before[1] + (total or 0))

    order = list(periods)
    bucket = Case(*(When(month__range=(p.start, p.end), then=V(i)) for i, p in enumerate(order)), default=V(-1))
    for name in names:  # summed per period in the database: a year over 80 teams is 80 rows per measure, not 960
        for key, index, *row in (
            filters.month_facts()
            .filter(month__range=(first, last))
            .annotate(bucket=bucket)
            .values(name, "bucket", "measure", "dimension")
            .annotate(c=Sum("count"), t=Sum("total"))
            .values_list(name, "bucket", "measure", "dimension", "c", "t")
        ):
            if index >= 0:
                add(name, order[index], key, "flows", tuple(row))
    state_days = {f.state_day: p for p, f in periods.items() if f.state_day is not None}
    if state_days and names:
        for day, *keys_and_row in (
            filters.facts()
            .filter(day__in=list(state_days), measure__in=summaries.STATE_MEASURES)
            .values_list("day", *names, "measure", "dimension", "count", "total")
        ):
            keys, row = keys_and_row[: len(names)], tuple(keys_and_row[len(names) :])
            for name, key in zip(names, keys, strict=True):
                add(name, state_days[day], key, "state", row)
    return [{p: list(by_value.values()) for p, by_value in found[n].items()} for n in names]


def _sub_periods(period: Period, monthly: dict[dt.date, Sums]) -> list[list[Figures]]:
    """The flows of a quarter or a year split into its months (and a year into its quarters): the
    shorter periods are published views of their own."""
    if period.kind == "maand":
        return []
    months = [m for m in sorted(monthly) if period.start <= m <= period.end]
    split = [[Figures(flows=monthly[m], state={}, state_day=None) for m in months]]
    if period.kind == "jaar":
        quarters: dict[int, Sums] = defaultdict(dict)
        for m in months:
            for key, (count, total) in monthly[m].items():
                before = quarters[(m.month - 1) // 3].get(key, (0, 0))
                quarters[(m.month - 1) // 3][key] = (before[0] + count, before[1] + total)
        split.append([Figures(flows=q, state={}, state_day=None) for q in quarters.values()])
    return split


def _cells(value: Value) -> dict[str | None, int]:
    """The published counts of a count value: the number itself (key None) and each part of its breakdown."""
    cells: dict[str | None, int] = {None: round(value.number or 0)}
    cells.update((label, n) for label, n in value.breakdown)
    return cells


def across_filters(
    rows: list[Row], filters: Filters, periods: dict[Period, Figures], monthly: dict[dt.date, Sums]
) -> None:
    """Mark the counts a protected output must withhold so that no filter reveals a small cell by
    subtraction. Every count of this view is the total of its parts along each open filter (the areas,
    the teams, the laws, the organisations; the months and quarters of a longer period), and each part
    is published as a view of its own. Where the published total and the published parts would leave a
    suppressed part ("<5") one possible value (five areas "<5" under a municipality "20": each is 4),
    the total is withheld here, in the view that holds it (``disclosure.parts``). Which view asks makes
    no difference: the test runs on the same numbers."""
    splits: dict[Period, list[list[Figures]]] = {p: [] for p in periods}
    for split in _siblings(filters, _free_fields(filters), periods):
        for period, parts in split.items():
            splits[period].append(parts)
    for period in periods:
        splits[period] += _sub_periods(period, monthly)
    for row in rows:
        compute = COMPUTE.get(row.indicator.code)
        for value, period in zip((row.now, row.before), periods, strict=True):
            if compute is None or value.kind != "count" or value.number is None:
                continue
            totals = _cells(value)
            for parts in splits[period]:
                part_cells = [_cells(compute(f, filters, period)) for f in parts]
                for key, total in totals.items():
                    values = [cells.get(key, 0) for cells in part_cells]
                    if disclosure.parts(total, values, open_rest=sum(values) != total) is not None:
                        continue
                    if key is None:
                        value.withheld = True
                    else:
                        value.withheld_parts.add(key)


def lag_note(today: dt.date, run: Refresh | None) -> str:
    """How current the figures are, for the top of every dashboard: up to the furthest day any refresh
    reached (``summaries.latest``; a later backfill of an old range does not make them look behind)."""
    if run is None or run.finished_at is None:
        return "De samenvattingen zijn nog niet berekend; de cijfers zijn leeg."
    behind = (today - run.last_day).days
    stamp = timezone.localtime(run.finished_at).strftime("%d-%m-%Y %H:%M")
    if behind <= 0:
        return f"Cijfers tot en met vandaag (de dag zelf nog niet compleet), bijgewerkt op {stamp}."
    return f"Cijfers tot en met {run.last_day:%d-%m-%Y} ({behind} dag(en) achter), bijgewerkt op {stamp}."


def norm_label(norm: Norm | None) -> str:
    if norm is None:
        return ""

    def show(value: Decimal | None) -> str:
        return "" if value is None else f"{value.normalize():f}".replace(".", ",")

    if norm.low is not None and norm.high is not None:
        return f"{show(norm.low)}–{show(norm.high)}"
    return f"≥ {show(norm.low)}" if norm.low is not None else f"≤ {show(norm.high)}"
