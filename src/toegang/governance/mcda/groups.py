"""Group decision-making: aggregating the stakeholder groups' pairwise judgements and showing disagreement.

Conventions:

* Group weights lambda_k are non-negative and normalised to sum 1; they are a political choice and are echoed
  in every result.
* AIJ (aggregation of individual judgements): the element-wise weighted geometric mean of the groups' matrices,
  a_ij = prod_k a_ij,k ^ lambda_k (the only mean that keeps the matrix reciprocal, Aczél & Saaty 1983), then the
  priorities of that matrix (eigenvector or row geometric mean) and its consistency.
* AIP geometric (aggregation of individual priorities): the weighted geometric mean of the groups' priority
  vectors, prod_k w_k ^ lambda_k, renormalised to sum 1 (Forman & Peniwati 1998).
* AIP arithmetic: the weighted arithmetic mean of the groups' priority vectors, sum_k lambda_k w_k.
* With row-geometric-mean priorities, AIJ and AIP geometric give the same weights (Barzilai & Golany 1994).
* Kendall's W over the groups' rankings of the alternatives (each ranking under that group's own weights):
  W = 12 S / (m^2 (n^3 - n)) for m rankings of n alternatives, S the sum of squared deviations of the rank sums
  from their mean; no tie correction (rankings break ties by list order); undefined (None) for fewer than two
  groups.
* Spread per pairwise judgement: the (group-weighted) geometric standard deviation across groups,
  exp(sqrt(sum_k lambda_k (ln a_ij,k - mean)^2)) with mean = sum_k lambda_k ln a_ij,k; 1 means all groups agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .weights import Matrix, Order, Vector, geometric_mean_priorities, priorities


def weighted_geometric_matrix(matrices: Matrix, weights: Vector) -> Matrix:
    """AIJ: prod_k A_k ^ lambda_k element-wise, for a stack (g, n, n) and weights summing to 1."""
    return np.exp(np.tensordot(weights, np.log(matrices), axes=1))


def group_priorities(matrices: Matrix, prioritisation: str) -> Matrix:
    """Each group's priorities (g, n) from its own matrix."""
    if prioritisation == "geometric_mean":
        return geometric_mean_priorities(matrices)
    return priorities(matrices, "eigenvector")


def aggregate(matrices: Matrix, weights: Vector, aggregation: str, prioritisation: str) -> tuple[Vector, Matrix | None]:
    """The aggregate criteria weights, and for AIJ the aggregated matrix (None for AIP)."""
    if aggregation == "aij":
        combined = weighted_geometric_matrix(matrices, weights)
        return priorities(combined, prioritisation), combined
    vectors = group_priorities(matrices, prioritisation)
    if aggregation == "aip_geometric":
        product = np.exp(weights @ np.log(vectors))
        return product / product.sum(), None
    mean = weights @ vectors
    return mean / mean.sum(), None


def kendall_w(orders: Order) -> float | None:
    """Kendall's coefficient of concordance for rankings given as orders (rows: raters; each row lists the
    alternatives' indices best first)."""
    raters, n = orders.shape
    if raters < 2 or n < 2:
        return None
    ranks = np.empty_like(orders)
    np.put_along_axis(ranks, orders, np.arange(1, n + 1)[None, :].repeat(raters, axis=0), axis=1)
    sums = ranks.sum(axis=0).astype(np.float64)
    spread = float(((sums - sums.mean()) ** 2).sum())
    return 12.0 * spread / (raters**2 * (n**3 - n))


def geometric_sd(matrices: Matrix, weights: Vector, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Per pair of criteria (above the diagonal) the groups' geometric mean judgement and the geometric standard
    deviation across groups, largest spread first (the pairs to discuss in the next session)."""
    logs = np.log(matrices)
    mean = np.tensordot(weights, logs, axes=1)
    variance = np.tensordot(weights, (logs - mean[None, :, :]) ** 2, axes=1)
    gsd = np.exp(np.sqrt(variance))
    n = len(ids)
    rows, columns = np.triu_indices(n, k=1)
    found = sorted(
        ((float(gsd[i, j]), int(i), int(j)) for i, j in zip(rows, columns, strict=True)), key=lambda item: -item[0]
    )
    return [
        {"row": ids[i], "column": ids[j], "geometric_mean": float(np.exp(mean[i, j])), "geometric_sd": spread}
        for spread, i, j in found
    ]
