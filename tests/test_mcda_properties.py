"""Properties of the MCDA core, with hypothesis: AIJ keeps reciprocity, weights sum to 1, vector-normalised
TOPSIS is invariant under scaling a benefit criterion, consistent matrices have CR 0, RGMM AIJ equals RGMM
AIP-geometric (Barzilai & Golany 1994), and break-even points really change the leader just past them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toegang.governance.mcda import evaluate
from toegang.governance.mcda.groups import aggregate
from toegang.governance.mcda.robustness import rescaled_weights

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAATY = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


@st.composite
def reciprocal_matrix(draw, n: int) -> list[list[float]]:
    matrix = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = draw(st.sampled_from(SAATY))
            matrix[i][j], matrix[j][i] = value, 1.0 / value
    return matrix


@st.composite
def groups_of_matrices(draw):
    n = draw(st.integers(3, 6))
    g = draw(st.integers(2, 5))
    matrices = [draw(reciprocal_matrix(n)) for _ in range(g)]
    weights = draw(st.lists(st.floats(0.1, 10), min_size=g, max_size=g))
    return n, matrices, weights


def weight_vector(size: int):
    return st.lists(st.floats(0.01, 1.0), min_size=size, max_size=size).map(lambda v: list(np.array(v) / sum(v)))


@SETTINGS
@given(groups_of_matrices())
def test_aij_keeps_reciprocity(case):
    n, matrices, weights = case
    lambdas = np.array(weights) / sum(weights)
    _, combined = aggregate(np.array(matrices), lambdas, "aij", "eigenvector")
    assert combined is not None
    assert combined * combined.T == pytest.approx(np.ones((n, n)), rel=1e-12)
    assert np.diag(combined) == pytest.approx(np.ones(n))


@st.composite
def performance_problem(draw, method: str):
    m = draw(st.integers(2, 5))
    n = draw(st.integers(2, 5))
    alternatives = [f"A{i}" for i in range(m)]
    criteria = [f"C{j}" for j in range(n)]
    table = {a: {c: draw(st.floats(1, 100)) for c in criteria} for a in alternatives}
    directions = [draw(st.sampled_from(["max", "min"])) for _ in criteria]
    weights = draw(st.lists(st.floats(0.0, 10), min_size=n, max_size=n))
    assume(sum(weights) > 0.01)
    return {
        "method": method,
        "alternatives": [{"id": a} for a in alternatives],
        "criteria": [
            {"id": c, "direction": d, "weight": w, "swing": min(w * 10, 100)}
            for c, d, w in zip(criteria, directions, weights, strict=True)
        ],
        "performance": table,
    }


@SETTINGS
@given(
    performance_problem("weighted_sum"),
    st.sampled_from(["given", "roc", "rank_sum", "swing", "pairwise", "groups"]),
    st.data(),
)
def test_weights_sum_to_one(problem, weighting, data):
    n = len(problem["criteria"])
    if weighting == "pairwise":
        problem["pairwise"] = {"criteria": data.draw(reciprocal_matrix(n))}
    if weighting == "groups":
        problem["groups"] = [{"id": f"g{k}", "pairwise_criteria": data.draw(reciprocal_matrix(n))} for k in range(3)]
        problem["aggregation"] = data.draw(st.sampled_from(["aij", "aip_geometric", "aip_arithmetic"]))
    else:
        problem["weighting"] = weighting
    assume(weighting != "swing" or any(c["swing"] > 0 for c in problem["criteria"]))
    result = evaluate(problem)
    weights = list(result["criteria_weights"].values())
    assert sum(weights) == pytest.approx(1.0, abs=1e-12)
    assert min(weights) >= 0
    for group in (result["groups"] or {}).values():
        assert sum(group["criteria_weights"].values()) == pytest.approx(1.0, abs=1e-12)


@SETTINGS
@given(performance_problem("topsis"), st.floats(0.001, 1000), st.data())
def test_topsis_vector_ranking_invariant_under_scaling_a_benefit_criterion(problem, factor, data):
    benefit = [c["id"] for c in problem["criteria"] if c["direction"] == "max"]
    assume(benefit)
    scaled_criterion = data.draw(st.sampled_from(benefit))
    before = evaluate(problem)
    for row in problem["performance"].values():
        row[scaled_criterion] *= factor
    after = evaluate(problem)
    assert after["scores"] == pytest.approx(before["scores"], rel=1e-9, abs=1e-12)
    scores = list(before["scores"].values())
    assume(min(abs(a - b) for i, a in enumerate(scores) for b in scores[i + 1 :]) > 1e-9)
    assert after["ranking"] == before["ranking"]


@SETTINGS
@given(st.integers(1, 10).flatmap(weight_vector), st.sampled_from(["saaty1980", "saaty2005"]))
def test_consistent_matrices_have_cr_zero(weights, table):
    n = len(weights)
    ids = [f"c{j}" for j in range(n)]
    problem = {
        "method": "weighted_sum",
        "alternatives": [{"id": "A"}, {"id": "B"}],
        "criteria": [{"id": c, "direction": "max"} for c in ids],
        "weighting": "pairwise",
        "pairwise": {"criteria": [[weights[i] / weights[j] for j in range(n)] for i in range(n)]},
        "performance": {"A": dict.fromkeys(ids, 1.0), "B": dict.fromkeys(ids, 0.0)},
        "options": {"random_index": table},
    }
    result = evaluate(problem)
    check = result["consistency"]["criteria"]
    assert check["cr"] == pytest.approx(0.0, abs=1e-9)
    assert check["acceptable"] is True and check["most_inconsistent"] == []
    assert list(result["criteria_weights"].values()) == pytest.approx(weights, abs=1e-9)


@SETTINGS
@given(groups_of_matrices())
def test_rgmm_aij_equals_rgmm_aip_geometric(case):
    """Barzilai & Golany (1994): with row-geometric-mean priorities, aggregating judgements (AIJ, geometric) and
    aggregating priorities (AIP, geometric) give the same vector."""
    _, matrices, weights = case
    lambdas = np.array(weights) / sum(weights)
    aij, _ = aggregate(np.array(matrices), lambdas, "aij", "geometric_mean")
    aip, _ = aggregate(np.array(matrices), lambdas, "aip_geometric", "geometric_mean")
    assert aij == pytest.approx(aip, abs=1e-12)


def leader_at(problem: dict, weights: list[float]) -> str:
    variant = dict(problem)
    variant["criteria"] = [dict(c, weight=w) for c, w in zip(problem["criteria"], weights, strict=True)]
    variant["weighting"] = "given"
    variant["sensitivity"] = False
    return evaluate(variant)["ranking"][0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["weighted_sum", "promethee_ii", "topsis", "vikor"]).flatmap(performance_problem))
def test_break_even_points_change_the_leader_just_past_them(problem):
    problem["sensitivity"] = True
    result = evaluate(problem)
    weights = np.array(list(result["criteria_weights"].values()))
    step = 1e-7 if problem["method"] in ("weighted_sum", "promethee_ii") else 1e-6
    for k, criterion in enumerate(result["criteria_weights"]):
        points = result["sensitivity"][criterion]
        spots = [p["weight"] for p in points]
        for point in points:
            t = point["weight"]
            # Skip points too close to an end, to the current weight or to another point to probe in between.
            if t < 2 * step or t > 1 - 2 * step or abs(t - weights[k]) < 2 * step:
                continue
            if any(0 < abs(t - other) < 4 * step for other in spots):
                continue
            outward = 1.0 if t > weights[k] else -1.0
            beyond = rescaled_weights(weights, k, np.array([t + outward * step]))[0]
            before = rescaled_weights(weights, k, np.array([t - outward * step]))[0]
            assert leader_at(problem, list(beyond)) == point["leader"]
            assert leader_at(problem, list(before)) != point["leader"]
