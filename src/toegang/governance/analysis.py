"""From a decision project's rows to the MCDA core and back: ``problem_for(project)`` builds the JSON problem of
issue 8 (point 8) that ``mcda.evaluate`` takes, ``results(project)`` calls it, and the participant's own
consistency comes from the same ``evaluate``. Nothing here computes weights, scores or rankings itself.

How the project's data become the problem:

* Alternatives: those admissible under the steering switch, in their order. Criteria: all, in their order.
* Each stakeholder group is one ``groups`` entry with its weight. Its ``pairwise_criteria`` matrix:
  - pairwise weighting: the element-wise geometric mean of its complete participants' matrices (the group acts
    as one decision body; the geometric mean keeps the matrix reciprocal, DOMAIN.md §2.1);
  - points, SWING or a ranking: each participant's weights come from ``evaluate`` (weighting ``given``,
    ``swing``, ``roc`` or ``rank_sum``), the group's weights are their arithmetic mean, and the group's matrix is
    the consistent matrix w_i / w_j, whose priorities are exactly those weights (CR = 0).
  The groups are then aggregated by the project's rule (AIJ, AIP geometric or AIP arithmetic).
* Performance: per alternative and criterion the mean score (1..5) of the participants who gave it; the cost
  criterion, when the project takes it from the business case, the expected net present value of the costs in
  euros (lower is better). For AHP the local priorities are these values normalised to sum 1 (for a criterion
  where lower is better: their reciprocals).
* Participants set "buiten de berekening" by the facilitator count for nothing here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from toegang.common.errors import DomainError
from toegang.governance import business_case, selectors
from toegang.governance.mcda import ProblemError, evaluate
from toegang.governance.models import Alternative, Criterion, DecisionProject, Participant, StakeholderGroup

W = DecisionProject.Weighting
_DUMMY = [{"id": "_a"}, {"id": "_b"}]


def identifiers(names: list[str], prefix: str) -> list[str]:
    """Readable, unique ids for the JSON: the slug of each name ("Stichting" -> "stichting"), numbered on a clash."""
    seen: set[str] = set()
    result = []
    for i, name in enumerate(names, start=1):
        base = slugify(name)[:40] or f"{prefix}{i}"
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}-{n}", n + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def ratio(value: int) -> float:
    return float(value + 1) if value >= 0 else 1.0 / (1 - value)


def participant_matrix(criteria: list[Criterion], values: dict[tuple[int, int], int]) -> list[list[float]] | None:
    """A participant's reciprocal matrix of the criteria, or None when a pair is missing."""
    n = len(criteria)
    index = {c.pk: i for i, c in enumerate(criteria)}
    matrix = [[1.0] * n for _ in range(n)]
    filled = 0
    for (first, second), value in values.items():
        if first in index and second in index:
            i, j = index[first], index[second]
            matrix[i][j], matrix[j][i] = ratio(value), 1.0 / ratio(value)
            filled += 1
    return matrix if n >= 2 and filled >= n * (n - 1) // 2 else None


def _weights_problem(project: DecisionProject, criteria: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A problem whose only purpose is the criteria weights (two neutral alternatives, equal local priorities)."""
    return {
        "method": "ahp",
        "alternatives": _DUMMY,
        "criteria": criteria,
        "local_priorities": {c["id"]: {"_a": 1, "_b": 1} for c in criteria},
        "options": {"prioritisation": project.prioritisation, "random_index": project.random_index},
        **extra,
    }


@dataclass
class OwnWeights:
    """A participant's weights by criterion id, and for pairwise weighting the consistency of their matrix."""

    weights: dict[int, float]
    consistency: dict[str, Any] | None = None


def own_weights(
    project: DecisionProject,
    criteria: list[Criterion],
    *,
    pairs: dict[tuple[int, int], int] | None = None,
    values: dict[int, int] | None = None,
) -> OwnWeights | None:
    """What ``evaluate`` makes of one participant's weighting; None while it is incomplete."""
    if len(criteria) < 2:
        return None
    ids = [f"c{c.pk}" for c in criteria]
    if project.weighting == W.PAIRWISE:
        matrix = participant_matrix(criteria, pairs or {})
        if matrix is None:
            return None
        specs = [{"id": i, "direction": "max"} for i in ids]
        result = evaluate(_weights_problem(project, specs, weighting="pairwise", pairwise={"criteria": matrix}))
    else:
        values = values or {}
        if any(c.pk not in values for c in criteria):
            return None
        if project.weighting in (W.ROC, W.RANK_SUM):
            ordered = sorted(criteria, key=lambda c: values[c.pk])
            ranked: list[dict[str, Any]] = [{"id": f"c{c.pk}", "direction": "max"} for c in ordered]
            result = evaluate(_weights_problem(project, ranked, weighting=project.weighting))
        else:
            key, weighting = ("swing", "swing") if project.weighting == W.SWING else ("weight", "given")
            given: list[dict[str, Any]] = [{"id": f"c{c.pk}", "direction": "max", key: values[c.pk]} for c in criteria]
            result = evaluate(_weights_problem(project, given, weighting=weighting))
    weights = {c.pk: float(result["criteria_weights"][f"c{c.pk}"]) for c in criteria}
    return OwnWeights(weights, result["consistency"].get("criteria"))


@dataclass
class Inconsistency:
    first: str
    second: str
    judgement: str
    error: float


def inconsistencies(criteria: list[Criterion], consistency: dict[str, Any]) -> list[Inconsistency]:
    """The judgements ``evaluate`` names as contributing most to the inconsistency, with the criterion names."""
    names = {f"c{c.pk}": c.name for c in criteria}
    found = []
    for item in consistency.get("most_inconsistent", []):
        first, second = names.get(item["row"], item["row"]), names.get(item["column"], item["column"])
        value = float(item["value"])
        words = (
            f"{first} {_times(value)}x zo belangrijk als {second}"
            if value >= 1
            else (f"{second} {_times(1 / value)}x zo belangrijk als {first}")
        )
        found.append(Inconsistency(first, second, words, float(item["error"])))
    return found


def _times(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.01 else f"{value:.2f}".replace(".", ",")


@dataclass
class Built:
    """The problem and what its ids stand for."""

    problem: dict[str, Any]
    alternatives: dict[str, Alternative]
    criteria: dict[str, Criterion]
    groups: dict[str, StakeholderGroup]
    counted: dict[str, list[Participant]]
    left_out: list[str] = field(default_factory=list)
    cost_values: dict[str, int] = field(default_factory=dict)


def _geometric_mean(matrices: list[list[list[float]]]) -> list[list[float]]:
    """Element-wise geometric mean of reciprocal matrices (one matrix is returned as it is)."""
    if len(matrices) == 1:
        return [list(row) for row in matrices[0]]
    n = len(matrices[0])
    k = len(matrices)
    return [
        [math.exp(sum(math.log(m[i][j]) for m in matrices) / k) if i != j else 1.0 for j in range(n)] for i in range(n)
    ]


@dataclass
class Judgements:
    """Every participant of a project with their judgements, read once (four queries)."""

    participants: list[Participant]
    pairwise: dict[int, dict[tuple[int, int], int]]
    weights: dict[int, dict[int, int]]
    scores: dict[int, dict[tuple[int, int], int]]


def judgements(project: DecisionProject) -> Judgements:
    return Judgements(
        list(Participant.objects.filter(group__project=project).order_by("name", "id")),
        selectors.pairwise_values(project) if project.weighting == W.PAIRWISE else {},
        selectors.weight_values(project) if project.weighting != W.PAIRWISE else {},
        selectors.score_values(project),
    )


def build(
    project: DecisionProject,
    *,
    method: str | None = None,
    shape: selectors.Structure | None = None,
    data: Judgements | None = None,
) -> Built:
    """The problem for ``evaluate`` from the project's rows; DomainError (Dutch, naming what is missing) when
    there is not yet enough to compute. ``shape`` and ``data`` spare the queries when the caller read them."""
    shape = shape or selectors.structure(project)
    method = method or project.method
    if len(shape.criteria) < 2:
        raise DomainError("Criteria: er zijn minstens twee criteria nodig.", field="criteria")
    if len(shape.admissible) < 2:
        raise DomainError(
            "Alternatieven: er zijn minstens twee toelaatbare alternatieven nodig"
            + (
                " (met 'de gemeente stuurt op het wat' vallen vormen weg waarin de gemeente ook op het hoe stuurt)."
                if project.steers_on_what
                else "."
            ),
            field="alternatives",
        )
    alternative_ids = identifiers([a.name for a in shape.admissible], "a")
    criterion_ids = identifiers([c.name for c in shape.criteria], "c")
    group_ids = identifiers([g.name for g in shape.groups], "g")
    data = data or judgements(project)
    participants = [p for p in data.participants if not p.excluded]
    pairwise, weights, scores = data.pairwise, data.weights, data.scores

    groups_out: list[dict[str, Any]] = []
    counted: dict[str, list[Participant]] = {}
    left_out: list[str] = []
    for group, gid in zip(shape.groups, group_ids, strict=True):
        members = [p for p in participants if p.group_id == group.pk]
        matrices: list[list[list[float]]] = []
        vectors: list[dict[int, float]] = []
        complete: list[Participant] = []
        for person in members:
            if project.weighting == W.PAIRWISE:
                matrix = participant_matrix(shape.criteria, pairwise.get(person.pk, {}))
                if matrix is not None:
                    matrices.append(matrix)
                    complete.append(person)
            else:
                own = own_weights(project, shape.criteria, values=weights.get(person.pk, {}))
                if own is not None:
                    vectors.append(own.weights)
                    complete.append(person)
        if not complete:
            left_out.append(group.name)
            continue
        if project.weighting == W.PAIRWISE:
            matrix = _geometric_mean(matrices)
        else:
            mean = [sum(v[c.pk] for v in vectors) / len(vectors) for c in shape.criteria]
            matrix = [[mean[i] / mean[j] for j in range(len(mean))] for i in range(len(mean))]
        counted[gid] = complete
        groups_out.append({"id": gid, "name": group.name, "weight": float(group.weight), "pairwise_criteria": matrix})
    if not groups_out:
        raise DomainError(
            "Wegingen: nog geen enkele deelnemer heeft de weging van de criteria helemaal ingevuld.", field="groups"
        )
    if not any(g["weight"] > 0 for g in groups_out):
        raise DomainError("Groepsgewichten: de groepen met inbreng hebben allemaal gewicht 0.", field="groups")

    cost_values: dict[str, int] = {}
    from_case = project.cost_from_business_case and any(c.is_cost for c in shape.criteria)
    if from_case:
        cases = business_case.summaries(project, shape.admissible)
        for alternative, aid in zip(shape.admissible, alternative_ids, strict=True):
            summary = cases[alternative.pk]
            if summary.is_empty():
                raise DomainError(
                    f"Business case: voor '{alternative.name}' zijn nog geen kosten ingevuld; het kostencriterium "
                    "neemt zijn waarde uit de business case.",
                    field="business_case",
                )
            cost_values[aid] = summary.npv_costs_expected
    performance: dict[str, dict[str, float]] = {}
    for alternative, aid in zip(shape.admissible, alternative_ids, strict=True):
        row: dict[str, float] = {}
        for criterion, cid in zip(shape.criteria, criterion_ids, strict=True):
            if from_case and criterion.is_cost:
                row[cid] = cost_values[aid] / 100
                continue
            given = [
                scores[p.pk][(alternative.pk, criterion.pk)]
                for p in participants
                if (alternative.pk, criterion.pk) in scores.get(p.pk, {})
            ]
            if not given:
                raise DomainError(
                    f"Scores: nog niemand heeft '{alternative.name}' gescoord op '{criterion.name}'.", field="scores"
                )
            row[cid] = sum(given) / len(given)
        performance[aid] = row

    problem: dict[str, Any] = {
        "method": method,
        "alternatives": [{"id": i, "name": a.name} for i, a in zip(alternative_ids, shape.admissible, strict=True)],
        "criteria": [
            {"id": i, "name": c.name, "direction": c.direction}
            for i, c in zip(criterion_ids, shape.criteria, strict=True)
        ],
        "weighting": "pairwise",
        "performance": performance,
        "options": {
            "prioritisation": project.prioritisation,
            "random_index": project.random_index,
            "synthesis": project.synthesis,
            "normalisation": project.normalisation,
        },
        "groups": groups_out,
        "aggregation": project.aggregation,
        "sensitivity": True,
        "monte_carlo": {"samples": project.mc_samples, "seed": project.mc_seed},
        "rank_reversal": True,
    }
    if method == "ahp":
        problem["local_priorities"] = _local_priorities(problem, criterion_ids, shape.criteria)
    return Built(
        problem,
        dict(zip(alternative_ids, shape.admissible, strict=True)),
        dict(zip(criterion_ids, shape.criteria, strict=True)),
        {gid: g for gid, g in zip(group_ids, shape.groups, strict=True)},
        counted,
        left_out,
        cost_values,
    )


def _local_priorities(
    problem: dict[str, Any], criterion_ids: list[str], criteria: list[Criterion]
) -> dict[str, dict[str, float]]:
    """AHP local priorities from the performance: normalised to sum 1, reciprocals where lower is better."""
    local: dict[str, dict[str, float]] = {}
    performance = problem["performance"]
    for cid, criterion in zip(criterion_ids, criteria, strict=True):
        values = {aid: performance[aid][cid] for aid in performance}
        if criterion.direction == Criterion.Direction.MIN:
            if any(v <= 0 for v in values.values()):
                raise DomainError(
                    f"Criterium '{criterion.name}': AHP rekent met 1/waarde en vraagt waarden groter dan 0.",
                    field="criteria",
                )
            values = {aid: 1 / v for aid, v in values.items()}
        total = sum(values.values())
        local[cid] = {aid: (v / total if total else 0.0) for aid, v in values.items()}
    return local


def problem_for(project: DecisionProject) -> dict[str, Any]:
    """The JSON problem of the project with its main method (downloadable; ``manage.py mcda evaluate`` takes it)."""
    return build(project).problem


@dataclass
class Results:
    built: Built
    result: dict[str, Any]
    by_method: dict[str, list[str]]


SECOND_OPINION = {"sensitivity": False, "rank_reversal": False}


def results(
    project: DecisionProject, *, shape: selectors.Structure | None = None, data: Judgements | None = None
) -> Results:
    """``evaluate`` on the project's problem, and the ranking under each further method the facilitator chose (the
    same problem with only the method changed). DomainError when the data are not complete enough, or when the
    core refuses the problem (its message names the field)."""
    built = build(project, shape=shape, data=data)
    try:
        result = evaluate(built.problem)
        by_method = {project.method: result["ranking"]}
        for method in project.extra_methods:
            if method in by_method:
                continue
            other = {**built.problem, "method": method}
            if method == "ahp":
                other["local_priorities"] = _local_priorities(
                    built.problem, list(built.criteria), list(built.criteria.values())
                )
            other = {k: v for k, v in other.items() if k != "monte_carlo"} | SECOND_OPINION
            by_method[method] = evaluate(other)["ranking"]
    except ProblemError as error:
        raise DomainError(f"Berekening: {error}") from error
    return Results(built, result, by_method)
