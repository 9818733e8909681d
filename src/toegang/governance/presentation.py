"""What the results page and the council report show, taken from ``evaluate``'s result without recomputing it:
weights per group side by side, the winner per group, Kendall's W, the spread per judgement, the rankings per
method, break-even weights, rank acceptability, rank reversal and the conventions in Dutch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from toegang.governance.analysis import Results
from toegang.governance.models import DecisionProject

METHOD_LABELS = dict(DecisionProject.Method.choices)
AGGREGATION_LABELS = dict(DecisionProject.Aggregation.choices)
RANDOM_INDEX_TABLES = {
    "saaty1980": ("Saaty 1980", {3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}),
    "saaty2005": ("Saaty 2005", {3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49}),
}
NORMALISATION_TEXT = {
    "vector": "vectornormalisatie (x / wortel van de som van de kwadraten)",
    "minmax": "min-max-normalisatie",
    "sum": "normalisatie op de som",
    "max": "normalisatie op het maximum",
}


def number(value: float, digits: int = 3) -> str:
    """A number the Dutch way: 0.1234 -> "0,123"."""
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    y: int = 0
    width: float = 0.0
    low: float | None = None  # whisker (min over the groups), x in px
    high: float | None = None

    @property
    def text_y(self) -> int:
        return self.y + 13

    @property
    def whisker_y(self) -> int:
        """Just below the bar, in the gap, so that it stays visible over any bar length."""
        return self.y + 21

    @property
    def tick_top(self) -> int:
        return self.whisker_y - 2

    @property
    def tick_bottom(self) -> int:
        return self.whisker_y + 2


LABEL_WIDTH = 170


@dataclass
class Chart:
    title: str
    bars: list[Bar]
    width: int = 320
    bar_height: int = 18
    gap: int = 8

    @property
    def height(self) -> int:
        return len(self.bars) * (self.bar_height + self.gap) + self.gap

    @property
    def total_width(self) -> int:
        return LABEL_WIDTH + self.width + 70

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


def chart(
    title: str,
    items: list[tuple[str, float, str]],
    *,
    top: float | None = None,
    whiskers: list[tuple[float, float]] | None = None,
    width: int = 320,
) -> Chart:
    """Horizontal bars scaled to ``top`` (default: the largest value); optional min-max whiskers per bar."""
    top = top or max((abs(v) for _l, v, _s in items), default=1.0) or 1.0
    result = Chart(title, [], width=width)
    for i, (label, value, shown) in enumerate(items):
        bar = Bar(label, value, shown, y=result.gap + i * (result.bar_height + result.gap))
        bar.width = round(max(value, 0.0) / top * width, 1)
        if whiskers is not None:
            low, high = whiskers[i]
            bar.low = round(LABEL_WIDTH + low / top * width, 1)
            bar.high = round(LABEL_WIDTH + high / top * width, 1)
        result.bars.append(bar)
    return result


@dataclass
class View:
    """Everything the results page and the report show."""

    alternatives: dict[str, str]
    criteria: dict[str, str]
    ranking: list[str]
    scores: list[tuple[int, str, str]]
    weights_header: list[str]
    weights_rows: list[tuple[str, str, int, list[str], str]]
    aggregate_row: list[str]
    weights_chart: Chart
    scores_chart: Chart
    winners: list[tuple[str, list[int]]]
    kendall_w: str
    spread: list[tuple[str, str, str, str]]
    methods: list[tuple[str, list[str]]]
    sensitivity: list[tuple[str, str, list[tuple[str, str]]]]
    acceptability: list[tuple[str, list[str]]]
    acceptability_chart: Chart | None
    reversal: list[str]
    conventions: list[tuple[str, str]]
    aggregate_consistency: str
    left_out: list[str] = field(default_factory=list)
    samples: int = 0


def _cr(consistency: dict[str, Any] | None) -> str:
    if not consistency or consistency.get("cr") is None:
        return "-"
    cr = float(consistency["cr"])
    return number(cr, 3) + ("" if consistency.get("acceptable", True) else " (boven 0,10)")


def view(project: DecisionProject, results: Results) -> View:
    built, result = results.built, results.result
    alternatives = {aid: a.name for aid, a in built.alternatives.items()}
    criteria = {cid: c.name for cid, c in built.criteria.items()}
    ranking = list(result["ranking"])
    scores = [(i, alternatives[a], number(float(result["scores"][a]), 4)) for i, a in enumerate(ranking, start=1)]
    weights = result["criteria_weights"]
    groups = result.get("groups") or {}
    agreement = result.get("agreement") or {}
    rows = []
    for gid, data in groups.items():
        counted = len(built.counted.get(gid, []))
        rows.append(
            (
                data.get("name", gid),
                percent(float(data["weight"])),
                counted,
                [percent(float(data["criteria_weights"][c])) for c in criteria],
                _cr((data.get("consistency") or {}).get("criteria")),
            )
        )
    spread_by = agreement.get("weights_spread") or {}
    weights_chart = chart(
        "Gewichten van de criteria (samengevoegd; lijn eronder: laagste tot hoogste groep)",
        [(criteria[c], float(weights[c]), percent(float(weights[c]))) for c in criteria],
        top=max([float(weights[c]) for c in criteria] + [float(s["max"]) for s in spread_by.values()]),
        whiskers=[
            (float(spread_by[c]["min"]), float(spread_by[c]["max"]))
            if c in spread_by
            else (float(weights[c]), float(weights[c]))
            for c in criteria
        ],
    )
    score_values = [float(result["scores"][a]) for a in ranking]
    lowest = min(score_values + [0.0])
    scores_chart = chart(
        f"Score per alternatief ({METHOD_LABELS.get(project.method, project.method)})",
        [
            (alternatives[a], float(result["scores"][a]) - lowest, number(float(result["scores"][a]), 3))
            for a in ranking
        ],
    )
    winners = []
    for _gid, data in groups.items():
        positions = {a: i for i, a in enumerate(data["ranking"], start=1)}
        winners.append((data.get("name", _gid), [positions[a] for a in alternatives]))
    w = agreement.get("kendall_w")
    spread = [
        (
            criteria.get(item["row"], item["row"]),
            criteria.get(item["column"], item["column"]),
            number(float(item["geometric_mean"]), 2),
            number(float(item["geometric_sd"]), 2),
        )
        for item in sorted(agreement.get("judgement_spread") or [], key=lambda i: -float(i["geometric_sd"]))
    ]
    methods = [
        (str(METHOD_LABELS.get(m, m)), [alternatives.get(a, a) for a in order])
        for m, order in results.by_method.items()
    ]
    sensitivity = []
    for cid, changes in (result.get("sensitivity") or {}).items():
        sensitivity.append(
            (
                criteria[cid],
                percent(float(weights[cid])),
                [(percent(float(c["weight"])), alternatives.get(c["leader"], c["leader"])) for c in changes],
            )
        )
    acceptability: list[tuple[str, list[str]]] = []
    acceptability_chart = None
    mc = result.get("rank_acceptability")
    if mc:
        shares = mc["shares"]
        acceptability = [(alternatives[a], [percent(float(s)) for s in shares[a]]) for a in ranking]
        acceptability_chart = chart(
            "Aandeel van de trekkingen waarin het alternatief eerste is",
            [(alternatives[a], float(shares[a][0]), percent(float(shares[a][0]))) for a in ranking],
            top=1.0,
        )
    reversal = []
    rr = result.get("rank_reversal") or {}
    for alternative, outcome in (rr.get("copy") or {}).items():
        if outcome.get("order_changed"):
            reversal.append(
                f"Een kopie van '{alternatives[alternative]}' toevoegen verandert de volgorde van de andere."
            )
    for alternative, outcome in (rr.get("remove") or {}).items():
        if outcome.get("order_changed"):
            reversal.append(
                f"'{alternatives[alternative]}' weglaten verandert de volgorde van de overige alternatieven."
            )
    return View(
        alternatives=alternatives,
        criteria=criteria,
        ranking=[alternatives[a] for a in ranking],
        scores=scores,
        weights_header=list(criteria.values()),
        weights_rows=rows,
        aggregate_row=[percent(float(weights[c])) for c in criteria],
        weights_chart=weights_chart,
        scores_chart=scores_chart,
        winners=winners,
        kendall_w=number(float(w), 3) if w is not None else "-",
        spread=spread,
        methods=methods,
        sensitivity=sensitivity,
        acceptability=acceptability,
        acceptability_chart=acceptability_chart,
        reversal=reversal,
        conventions=conventions(project, result),
        aggregate_consistency=_cr((result.get("consistency") or {}).get("criteria")),
        left_out=built.left_out,
        samples=int(mc["samples"]) if mc else 0,
    )


METHOD_NORMALISATION = {
    "weighted_sum": "waardefuncties van 0 tot 1 (min-max per criterium; bij 'lager is beter' omgekeerd)",
    "ahp": "geen: lokale prioriteiten per criterium tellen op tot 1",
    "promethee_ii": "geen: verschillen per criterium met voorkeursfunctie 'usual' (elk verschil > 0 telt volledig)",
    "vikor": "lineair: (beste - waarde) / (beste - slechtste) per criterium, v = 0,5",
}


def conventions(project: DecisionProject, result: dict[str, Any]) -> list[tuple[str, str]]:
    """The method statement in Dutch, from the conventions ``evaluate`` reports (every report prints them)."""
    used = result.get("conventions") or {}
    method = used.get("method", project.method)
    table_code = used.get("random_index") or project.random_index
    table_name, table = RANDOM_INDEX_TABLES.get(table_code, (table_code, {}))
    normalisation = (
        NORMALISATION_TEXT.get(used.get("normalisation") or project.normalisation, "")
        if method == "topsis"
        else METHOD_NORMALISATION.get(method, "")
    )
    exact = method in ("weighted_sum", "ahp", "promethee_ii")
    return [
        ("Hoofdmethode", str(METHOD_LABELS.get(method, method))),
        ("Weging door deelnemers", str(DecisionProject.Weighting(project.weighting).label)),
        ("Groepsaggregatie", str(AGGREGATION_LABELS.get(used.get("aggregation") or project.aggregation, ""))),
        (
            "Prioritering",
            "eigenvector (Saaty)"
            if (used.get("prioritisation") or project.prioritisation) == "eigenvector"
            else "meetkundig rijgemiddelde (RGMM); dat is niet de eigenvector",
        ),
        ("Random-indextabel", f"{table_name}: " + ", ".join(f"n={n}: {number(v, 2)}" for n, v in table.items())),
        ("Consistentiegrens", "CR <= 0,10 aanvaardbaar; CR = CI / RI, CI = (lambda-max - n) / (n - 1)"),
        ("AHP-synthese", "distributief" if project.synthesis == "distributive" else "ideaal"),
        ("Normalisatie", normalisation),
        ("Normalisatie TOPSIS (tweede mening)", NORMALISATION_TEXT[project.normalisation]),
        (
            "Gevoeligheid",
            "één gewicht tegelijk; de andere gewichten bewegen naar verhouding mee; "
            + ("omslagpunten exact berekend" if exact else "omslagpunten op een raster van 1001 punten, verfijnd"),
        ),
        ("Gelijke scores", "bij gelijke score blijft de volgorde van de invoer"),
    ]
