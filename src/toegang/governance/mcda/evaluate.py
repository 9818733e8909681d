"""``evaluate``: the single entry point of the MCDA core (issue 8, point 8), used by ``manage.py mcda evaluate``
and by the UI alike.

Output keys (always present, None or empty where they do not apply):

* ``method``: the method used.
* ``criteria_weights``: {criterion id: weight}, summing to 1.
* ``consistency``: per pairwise matrix ("criteria" or the criterion id of an alternatives matrix):
  ``size``, ``lambda_max``, ``ci``, ``cr``, ``random_index``, ``random_index_table``, ``acceptable``,
  ``most_inconsistent`` ([{"row", "column", "value", "error"}]).
* ``local_priorities``: AHP only, {criterion id: {alternative id: priority}} as derived or as given.
* ``scores``: {alternative id: score} (AHP composite, weighted-sum value, TOPSIS closeness, PROMETHEE net flow or
  VIKOR Q).
* ``ranking``: alternative ids, best first.
* ``details``: method-specific (topsis: ``s_plus``, ``s_minus``, ``ideal``, ``anti_ideal``; promethee_ii:
  ``phi_plus``, ``phi_minus``, ``preference_matrix``; vikor: ``S``, ``R``, ``Q``, the conditions and the
  compromise set; weighted_sum: ``values``; ahp: ``synthesis``).
* ``groups``: {group id: {``name``, ``weight`` (normalised), ``criteria_weights``, ``consistency``, ``ranking``,
  ``winner``}} or None.
* ``agreement``: with groups: ``kendall_w``, ``winners`` {group id: alternative id}, ``weights_spread``
  {criterion id: {min, max}}, ``judgement_spread`` (geometric SD per pair of criteria); else None.
* ``sensitivity``: when asked, {criterion id: [{"weight", "leader"}]}; else None.
* ``rank_acceptability``: when ``monte_carlo`` is given, {samples, seed, sampling, shares}; else None.
* ``rank_reversal``: when asked, {"copy": {alternative id: {...}}, "remove": {...}}; else None.
* ``conventions``: method, weighting, normalisation, random_index, synthesis, prioritisation, aggregation,
  group_weights and the other conventions that shape the numbers.

All numbers are plain, unrounded floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import methods
from .groups import aggregate, geometric_sd, group_priorities, kendall_w
from .methods import Model, ranking_order
from .problem import Problem, parse
from .robustness import break_even, rank_acceptability
from .weights import Matrix, Vector, consistency, normalise, priorities, rank_order_centroid, rank_sum

_NORMALISATION_BY_METHOD = {
    "weighted_sum": "minmax (value functions 0..1, cost criteria reversed)",
    "ahp": None,
    "promethee_ii": None,
    "vikor": "linear (f* - f) / (f* - f-)",
}


def _criteria_weights(problem: Problem) -> tuple[Vector, dict[str, Any]]:
    """The criteria weights by the chosen weighting, with the consistency of the criteria matrix if any."""
    n = len(problem.criterion_ids)
    checks: dict[str, Any] = {}
    if problem.groups:
        matrices = np.stack([group.matrix for group in problem.groups])
        lambdas = np.array([group.weight for group in problem.groups])
        weights, combined = aggregate(matrices, lambdas, problem.aggregation or "aij", problem.prioritisation)
        if combined is not None:
            checks["criteria"] = consistency(combined, weights, problem.criterion_ids, problem.random_index)
        return weights, checks
    if problem.weighting == "given":
        assert problem.given_weights is not None  # noqa: S101 - guaranteed by parse
        return normalise(problem.given_weights), checks
    if problem.weighting == "swing":
        assert problem.swing_points is not None  # noqa: S101 - guaranteed by parse
        return normalise(problem.swing_points), checks
    if problem.weighting == "roc":
        return rank_order_centroid(n), checks
    if problem.weighting == "rank_sum":
        return rank_sum(n), checks
    assert problem.criteria_matrix is not None  # noqa: S101 - guaranteed by parse
    weights = priorities(problem.criteria_matrix, problem.prioritisation)
    checks["criteria"] = consistency(problem.criteria_matrix, weights, problem.criterion_ids, problem.random_index)
    return weights, checks


def _local_priorities(
    problem: Problem, alternative_ids: list[str], matrices: dict[int, Matrix], given: dict[int, Vector]
) -> tuple[Matrix, dict[str, Any]]:
    """AHP local priorities (m x n): from each criterion's alternatives matrix or as given."""
    local = np.zeros((len(alternative_ids), len(problem.criterion_ids)))
    checks: dict[str, Any] = {}
    for j, criterion in enumerate(problem.criterion_ids):
        if j in matrices:
            local[:, j] = priorities(matrices[j], problem.prioritisation)
            checks[criterion] = consistency(matrices[j], local[:, j], alternative_ids, problem.random_index)
        else:
            local[:, j] = given[j]
    return local, checks


def _model(problem: Problem, performance: Matrix | None, local: Matrix | None) -> Model:
    if problem.method == "ahp":
        assert local is not None  # noqa: S101
        return methods.ahp_model(local, problem.synthesis)
    assert performance is not None  # noqa: S101
    if problem.method == "weighted_sum":
        return methods.weighted_sum_model(performance, problem.benefit)
    if problem.method == "topsis":
        return methods.topsis_model(performance, problem.benefit, problem.normalisation)
    if problem.method == "promethee_ii":
        return methods.promethee_model(performance, problem.benefit, problem.preferences)
    return methods.vikor_model(performance, problem.benefit, problem.vikor_v)


def _ranked(model: Model, weights: Vector, alternative_ids: list[str]) -> list[str]:
    order = ranking_order(model.merit(weights[None, :]))[0]
    return [alternative_ids[int(i)] for i in order]


def _variant_model(problem: Problem, keep: list[int], clone: int | None) -> tuple[Model, list[str]]:
    """The method rebuilt on the alternatives ``keep`` (indices, in order) plus, if ``clone`` is set, a copy of
    that alternative appended last. Local priorities given directly keep their per-criterion sum (so that a copy
    or a removal works as in distributive renormalisation); alternatives matrices are extended or reduced."""
    ids = [problem.alternative_ids[i] for i in keep]
    rows = list(keep)
    if clone is not None:
        ids.append(f"{problem.alternative_ids[clone]}#kopie")
        rows.append(clone)
    if problem.method != "ahp":
        assert problem.performance is not None  # noqa: S101
        return _model(problem, problem.performance[rows], None), ids
    matrices: dict[int, Matrix] = {}
    for j, matrix in problem.alternative_matrices.items():
        extended = matrix[np.ix_(rows, rows)].copy()
        if clone is not None:
            extended[-1, -1] = 1.0
            extended[-1, rows.index(clone)] = 1.0
            extended[rows.index(clone), -1] = 1.0
        matrices[j] = extended
    given: dict[int, Vector] = {}
    for j, values in problem.given_local.items():
        chosen = values[rows]
        given[j] = chosen * (values.sum() / chosen.sum()) if chosen.sum() > 0 else chosen
    local, _ = _local_priorities(problem, ids, matrices, given)
    return _model(problem, None, local), ids


def _rank_reversal(problem: Problem, weights: Vector, ranking: list[str]) -> dict[str, Any]:
    """Add a copy of each alternative, and remove each alternative in turn; report the new ranking and whether
    the order of the other (original) alternatives changed."""
    m = len(problem.alternative_ids)
    result: dict[str, Any] = {"copy": {}, "remove": {}}
    for i, alternative in enumerate(problem.alternative_ids):
        model, ids = _variant_model(problem, list(range(m)), clone=i)
        new = _ranked(model, weights, ids)
        originals = [a for a in new if a in set(problem.alternative_ids)]
        result["copy"][alternative] = {"ranking": new, "order_changed": originals != ranking}
        if m > 2:
            model, ids = _variant_model(problem, [k for k in range(m) if k != i], clone=None)
            new = _ranked(model, weights, ids)
            expected = [a for a in ranking if a != alternative]
            result["remove"][alternative] = {"ranking": new, "order_changed": new != expected}
    return result


def _groups(
    problem: Problem, model: Model, alternative_ids: list[str]
) -> tuple[dict[str, Any], dict[str, Any], Matrix]:
    """Each group's own weights, consistency, ranking and winner; the agreement between the groups."""
    matrices = np.stack([group.matrix for group in problem.groups])
    lambdas = np.array([group.weight for group in problem.groups])
    own = group_priorities(matrices, problem.prioritisation)
    orders = ranking_order(model.merit(own))
    section: dict[str, Any] = {}
    for k, group in enumerate(problem.groups):
        ranking = [alternative_ids[int(i)] for i in orders[k]]
        section[group.id] = {
            "name": group.name,
            "weight": group.weight,
            "criteria_weights": {c: float(w) for c, w in zip(problem.criterion_ids, own[k], strict=True)},
            "consistency": {"criteria": consistency(group.matrix, own[k], problem.criterion_ids, problem.random_index)},
            "ranking": ranking,
            "winner": ranking[0],
        }
    agreement = {
        "kendall_w": kendall_w(orders),
        "winners": {group.id: alternative_ids[int(orders[k][0])] for k, group in enumerate(problem.groups)},
        "weights_spread": {
            c: {"min": float(own[:, j].min()), "max": float(own[:, j].max())}
            for j, c in enumerate(problem.criterion_ids)
        },
        "judgement_spread": geometric_sd(matrices, lambdas, problem.criterion_ids),
    }
    return section, agreement, own


def _conventions(problem: Problem) -> dict[str, Any]:
    uses_pairwise = bool(problem.groups) or problem.criteria_matrix is not None or bool(problem.alternative_matrices)
    return {
        "method": problem.method,
        "weighting": problem.weighting,
        "normalisation": problem.normalisation
        if problem.method == "topsis"
        else _NORMALISATION_BY_METHOD[problem.method],
        "random_index": problem.random_index if uses_pairwise else None,
        "synthesis": problem.synthesis if problem.method == "ahp" else None,
        "prioritisation": problem.prioritisation if uses_pairwise else None,
        "aggregation": problem.aggregation if problem.groups else None,
        "group_weights": {group.id: group.weight for group in problem.groups} if problem.groups else None,
        "vikor_v": problem.vikor_v if problem.method == "vikor" else None,
        "consistency_threshold": 0.10 if uses_pairwise else None,
        "ties": "gelijke scores houden de volgorde van de invoer",
        "sensitivity": "one-at-a-time; other weights rescaled proportionally"
        + ("; exact (linear in the weights)" if problem.method in ("weighted_sum", "ahp", "promethee_ii") else "")
        + ("; grid of 1001 points with bisection" if problem.method in ("topsis", "vikor") else ""),
    }


def evaluate(problem: dict[str, Any]) -> dict[str, Any]:
    """Evaluate an MCDA problem given as the JSON object of issue 8 (point 8) and return the result object (see
    the module docstring for the keys). Raises :class:`~toegang.governance.mcda.ProblemError` with a Dutch message
    naming the offending field before any computation when the input is invalid."""
    parsed = parse(problem)
    alternative_ids, criterion_ids = parsed.alternative_ids, parsed.criterion_ids
    weights, checks = _criteria_weights(parsed)
    local: Matrix | None = None
    local_output: dict[str, Any] | None = None
    if parsed.method == "ahp":
        local, local_checks = _local_priorities(
            parsed, alternative_ids, parsed.alternative_matrices, parsed.given_local
        )
        checks.update(local_checks)
        local_output = {
            c: {a: float(local[i, j]) for i, a in enumerate(alternative_ids)} for j, c in enumerate(criterion_ids)
        }
    model = _model(parsed, parsed.performance, local)
    scores = model.scores(weights[None, :])[0]
    ranking = _ranked(model, weights, alternative_ids)

    groups_output: dict[str, Any] | None = None
    agreement: dict[str, Any] | None = None
    envelope: Matrix | None = None
    if parsed.groups:
        groups_output, agreement, envelope = _groups(parsed, model, alternative_ids)

    return {
        "method": parsed.method,
        "criteria_weights": {c: float(w) for c, w in zip(criterion_ids, weights, strict=True)},
        "consistency": checks,
        "local_priorities": local_output,
        "scores": {a: float(s) for a, s in zip(alternative_ids, scores, strict=True)},
        "ranking": ranking,
        "details": methods.details(model, weights, alternative_ids, criterion_ids),
        "groups": groups_output,
        "agreement": agreement,
        "sensitivity": break_even(model, weights, criterion_ids, alternative_ids) if parsed.sensitivity else None,
        "rank_acceptability": rank_acceptability(
            model, len(criterion_ids), alternative_ids, parsed.samples, parsed.seed, envelope
        )
        if parsed.samples is not None
        else None,
        "rank_reversal": _rank_reversal(parsed, weights, ranking) if parsed.rank_reversal else None,
        "conventions": _conventions(parsed),
    }
