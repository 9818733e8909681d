"""The business case per alternative over t0..t5 (issue 8, point 5; DOMAIN.md §4.3-4.5): the arithmetic.

Every amount is a range low/expected/high in whole cents. A year's costs are the one-off, friction and structural
lines that run in that year; structural costs include the staffing table (FTE x annual gross salary per FTE x
(1 + employer charges)) and two derived fiscal lines for forms outside the btw-compensatiefonds (btw on the
entity's taxed purchases and on seconded staff). The net present value discounts year t by (1 + r)^t, t = 0..5,
with r = 0 %, the standard 2.25 % or the project's own rate. The cost criterion of the comparison can take the
expected net present value of the costs (benefits not subtracted)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from toegang.governance import catalogue
from toegang.governance.models import (
    HORIZON,
    Alternative,
    BusinessCase,
    CostLine,
    DecisionProject,
    Parameter,
    StaffLine,
)

YEARS = tuple(range(HORIZON + 1))
SCENARIOS = ("low", "expected", "high")
SCENARIO_LABELS = {"low": "laag", "expected": "verwacht", "high": "hoog"}
BLOCKS = tuple(CostLine.Block.values)
COST_BLOCKS = (CostLine.Block.ONE_OFF, CostLine.Block.FRICTION, CostLine.Block.STRUCTURAL)
CENT = Decimal("1")

Series = dict[str, list[int]]  # scenario -> cents per year t0..t5


def _zero() -> Series:
    return {s: [0] * len(YEARS) for s in SCENARIOS}


def _cents(value: Decimal) -> int:
    return int(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class Row:
    """One line of the table: a cost line, a staffing line or a derived line."""

    block: str
    label: str
    values: Series
    note: str = ""

    def total(self, scenario: str) -> int:
        return sum(self.values[scenario])


@dataclass
class Summary:
    alternative: Alternative
    rate: Decimal
    rows: list[Row] = field(default_factory=list)
    in_bcf: bool = True
    vpb_review: bool = False
    vpb_reason: str = ""

    def block_total(self, block: str) -> Series:
        total = _zero()
        for row in self.rows:
            if row.block == block:
                for s in SCENARIOS:
                    total[s] = [a + b for a, b in zip(total[s], row.values[s], strict=True)]
        return total

    @property
    def costs(self) -> Series:
        total = _zero()
        for block in COST_BLOCKS:
            part = self.block_total(block)
            for s in SCENARIOS:
                total[s] = [a + b for a, b in zip(total[s], part[s], strict=True)]
        return total

    @property
    def benefits(self) -> Series:
        return self.block_total(CostLine.Block.BENEFIT)

    @property
    def net(self) -> Series:
        costs, benefits = self.costs, self.benefits
        return {s: [c - b for c, b in zip(costs[s], benefits[s], strict=True)] for s in SCENARIOS}

    def npv(self, series: Series, scenario: str) -> int:
        return present_value(series[scenario], self.rate)

    @property
    def npv_costs_expected(self) -> int:
        return self.npv(self.costs, "expected")

    def is_empty(self) -> bool:
        return not self.rows


def present_value(amounts: Iterable[int], rate_pct: Decimal) -> int:
    """Sum over t of amount_t / (1 + r)^t, t = 0, 1, ...; r in percent; whole cents, rounded half up."""
    factor = 1 + rate_pct / 100
    total = sum((Decimal(a) / factor**t for t, a in enumerate(amounts)), Decimal(0))
    return _cents(total)


def rate_of(project: DecisionProject, parameters: dict[str, Parameter]) -> Decimal:
    if project.discount == DecisionProject.Discount.OWN:
        return project.own_rate or Decimal(0)
    if project.discount == DecisionProject.Discount.STANDARD:
        parameter = parameters.get("discontovoet")
        return parameter.value if parameter is not None else Decimal("2.25")
    return Decimal(0)


def _years(first: int, last: int, amount: int) -> list[int]:
    return [amount if first <= t <= last else 0 for t in YEARS]


def staff_cost(line: StaffLine, fte: Decimal) -> int:
    """One year of a staffing line: FTE x salary x (1 + charges), whole cents."""
    return _cents(fte * Decimal(line.salary_cents) * (1 + line.charges_pct / 100))


def summarise(
    project: DecisionProject,
    alternative: Alternative,
    *,
    lines: list[CostLine],
    staff: list[StaffLine],
    case: BusinessCase | None,
    parameters: dict[str, Parameter],
) -> Summary:
    summary = Summary(alternative, rate_of(project, parameters))
    for line in lines:
        label = line.label or catalogue.CATEGORY_LABELS.get(line.category, line.category)
        values = {
            "low": _years(line.first_year, line.last_year, line.low_cents),
            "expected": _years(line.first_year, line.last_year, line.expected_cents),
            "high": _years(line.first_year, line.last_year, line.high_cents),
        }
        summary.rows.append(Row(line.block, label, values))
    for person in staff:
        cao = catalogue.CAO_BY_CODE.get(person.cao)
        label = f"Personeel: {person.function} ({cao.name if cao else person.cao}, schaal {person.scale})"
        values = {
            "low": _years(person.first_year, person.last_year, staff_cost(person, person.fte_low)),
            "expected": _years(person.first_year, person.last_year, staff_cost(person, person.fte)),
            "high": _years(person.first_year, person.last_year, staff_cost(person, person.fte_high)),
        }
        note = f"{person.fte} fte x salaris x (1 + {person.charges_pct} % werkgeverslasten)"
        if cao is not None:
            note += f"; pensioen {cao.pension_fund}"
        summary.rows.append(Row(CostLine.Block.STRUCTURAL, label, values, note))
    summary.in_bcf = alternative.legal_form in catalogue.IN_BCF
    btw = parameters["btw"].value if "btw" in parameters else Decimal(21)
    if case is not None and not summary.in_bcf:
        for label, low, expected, high in (
            (
                "Niet-compensabele btw op inkopen",
                case.taxed_purchases_low_cents,
                case.taxed_purchases_expected_cents,
                case.taxed_purchases_high_cents,
            ),
            (
                "Btw op detachering",
                case.secondment_low_cents,
                case.secondment_expected_cents,
                case.secondment_high_cents,
            ),
        ):
            if high:
                values = {
                    s: _years(1, HORIZON, _cents(Decimal(amount) * btw / 100))
                    for s, amount in zip(SCENARIOS, (low, expected, high), strict=True)
                }
                summary.rows.append(Row(CostLine.Block.STRUCTURAL, label, values, f"{btw} % van het bedrag per jaar"))
    market = case.market_activity if case is not None else False
    if alternative.legal_form in catalogue.VPB_ALWAYS:
        summary.vpb_review, summary.vpb_reason = True, "een BV is belastingplichtig voor de Vpb naar haar rechtsvorm"
    elif alternative.legal_form in catalogue.VPB_IF_MARKET and market:
        summary.vpb_review, summary.vpb_reason = True, "de rechtspersoon heeft marktactiviteiten"
    elif alternative.legal_form in catalogue.VPB_IF_MARKET:
        summary.vpb_reason = "alleen nodig bij marktactiviteiten (die zijn niet aangegeven)"
    else:
        summary.vpb_reason = "geen aparte rechtspersoon die onderneemt"
    return summary


@dataclass
class Loaded:
    """The rows of the business cases of some alternatives, read once (four queries)."""

    lines: dict[int, list[CostLine]]
    staff: dict[int, list[StaffLine]]
    cases: dict[int, BusinessCase]
    parameters: dict[str, Parameter]


def load(project: DecisionProject, alternatives: list[Alternative]) -> Loaded:
    ids = [a.pk for a in alternatives]
    lines: dict[int, list[CostLine]] = {pk: [] for pk in ids}
    for line in CostLine.objects.filter(alternative_id__in=ids).order_by("block", "first_year", "id"):
        lines[line.alternative_id].append(line)
    staff: dict[int, list[StaffLine]] = {pk: [] for pk in ids}
    for person in StaffLine.objects.filter(alternative_id__in=ids):
        staff[person.alternative_id].append(person)
    cases = {case.alternative_id: case for case in BusinessCase.objects.filter(alternative_id__in=ids)}
    parameters = {p.code: p for p in project.parameters.all()}
    return Loaded(lines, staff, cases, parameters)


def summaries(
    project: DecisionProject, alternatives: list[Alternative], loaded: Loaded | None = None
) -> dict[int, Summary]:
    """The business case of each alternative: four queries (none when ``loaded`` is given), whatever the number of
    lines."""
    loaded = loaded or load(project, alternatives)
    order = {block: i for i, block in enumerate(BLOCKS)}
    result = {}
    for alternative in alternatives:
        summary = summarise(
            project,
            alternative,
            lines=loaded.lines[alternative.pk],
            staff=loaded.staff[alternative.pk],
            case=loaded.cases.get(alternative.pk),
            parameters=loaded.parameters,
        )
        summary.rows.sort(key=lambda row: order.get(row.block, 9))
        result[alternative.pk] = summary
    return result


def euros(cents: int) -> str:
    """Whole euros with Dutch thousands separators: 123456789 -> "€ 1.234.568"."""
    value = _cents(Decimal(cents) / 100)
    sign = "-" if value < 0 else ""
    return f"{sign}€ {abs(value):,}".replace(",", ".")
