"""Criteria weights: direct rating and points allocation, SWING, rank order centroid, rank sum and AHP pairwise
comparison (priorities and consistency).

Conventions, all stated here so that a report can quote them:

* Every weight vector is normalised to sum to 1 (direct rating, points allocation and SWING are proportional to
  the points given).
* Rank order centroid (Barron & Barrett 1996; SMARTER): for n criteria ranked 1..n, most important first,
  w_i = (1/n) * sum_{k=i..n} 1/k.
* Rank sum: w_i = (n - i + 1) / sum_{k=1..n} k.
* SWING: each criterion gets points for the value of swinging it from worst to best (the best swing is by
  convention 100 points); the weights are the points normalised to sum 1.
* AHP priorities: the principal right eigenvector of the positive reciprocal matrix (the Perron vector, taken as
  the eigenvector of the eigenvalue with the largest real part, made positive and normalised to sum 1) by default;
  the row geometric mean (RGMM, the logarithmic least-squares solution) as an option. For an inconsistent matrix
  the two differ, so RGMM is never called "the eigenvector".
* Consistency always uses the principal eigenvalue, also when the priorities come from the row geometric mean:
  CI = (lambda_max - n) / (n - 1), CR = CI / RI(n), acceptable when CR <= 0.10. Matrices of size 1 and 2 are
  always consistent (RI = 0, CR = 0). lambda_max >= n holds in exact arithmetic; a value rounded below n is
  reported as n. Where the chosen random-index table has no value for n, CR and ``acceptable`` are None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Matrix = npt.NDArray[np.float64]
Order = npt.NDArray[np.intp]

#: Random-index tables by name: n -> RI. Saaty (1980), "The Analytic Hierarchy Process", and Saaty (2005),
#: "Theory and Applications of the Analytic Network Process", p. 31; values as listed in DOMAIN.md part B §1.
RANDOM_INDEX: dict[str, dict[int, float]] = {
    "saaty1980": {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49},
    "saaty2005": {1: 0.0, 2: 0.0, 3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49},
}

#: CR at or below this value is acceptable (Saaty).
ACCEPTABLE_CR = 0.10

#: How many judgements ``most_inconsistent`` names.
MOST_INCONSISTENT_COUNT = 3


def normalise(values: Sequence[float] | Vector) -> Vector:
    """Scale non-negative values to sum 1 (direct rating, points allocation, SWING). The caller has checked that
    they are non-negative and not all zero."""
    array = np.asarray(values, dtype=np.float64)
    return array / array.sum()


def rank_order_centroid(n: int) -> Vector:
    """ROC weights for n criteria in order of importance, most important first: w_i = (1/n) sum_{k=i..n} 1/k."""
    reciprocals = 1.0 / np.arange(1, n + 1, dtype=np.float64)
    return np.cumsum(reciprocals[::-1])[::-1] / n


def rank_sum(n: int) -> Vector:
    """Rank-sum weights for n criteria in order of importance: w_i = (n - i + 1) / (n (n + 1) / 2)."""
    ranks = np.arange(n, 0, -1, dtype=np.float64)
    return ranks / ranks.sum()


def eigen(matrix: Matrix) -> tuple[Matrix, Matrix]:
    """Principal right eigenvector (normalised to sum 1) and principal eigenvalue of a positive matrix. Works on
    a stack of matrices too (shape (..., n, n)); then it returns arrays of vectors and eigenvalues."""
    values, vectors = np.linalg.eig(matrix)
    index = np.argmax(values.real, axis=-1)
    lam = np.take_along_axis(values.real, index[..., None], axis=-1)[..., 0]
    vector = np.take_along_axis(vectors.real, index[..., None, None], axis=-1)[..., 0]
    vector = np.abs(vector)
    vector = vector / vector.sum(axis=-1, keepdims=True)
    return np.asarray(vector, dtype=np.float64), np.asarray(lam, dtype=np.float64)


def geometric_mean_priorities(matrix: Matrix) -> Vector:
    """Row geometric mean (RGMM) priorities, normalised to sum 1; also on a stack of matrices."""
    means = np.exp(np.log(matrix).mean(axis=-1))
    return means / means.sum(axis=-1, keepdims=True)


def priorities(matrix: Matrix, prioritisation: str) -> Vector:
    """Priorities of a pairwise comparison matrix: ``eigenvector`` (default) or ``geometric_mean``."""
    if prioritisation == "geometric_mean":
        return geometric_mean_priorities(matrix)
    vector, _ = eigen(matrix)
    return vector


def consistency(matrix: Matrix, weights: Vector, ids: Sequence[str], table: str) -> dict[str, Any]:
    """Saaty's consistency of one pairwise matrix: ``lambda_max``, ``ci``, ``cr``, ``random_index``,
    ``acceptable`` and ``most_inconsistent`` (see :func:`most_inconsistent`). ``weights`` are the priorities
    used (eigenvector or RGMM); lambda_max is always the principal eigenvalue."""
    n = matrix.shape[0]
    _, lam_array = eigen(matrix)
    lam = max(float(lam_array), float(n))
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri: float | None = 0.0
    cr: float | None = 0.0
    if n <= 2:
        lam = float(n)
    else:
        ri = RANDOM_INDEX[table].get(n)
        cr = ci / ri if ri else None
    return {
        "size": n,
        "lambda_max": lam,
        "ci": ci,
        "cr": cr,
        "random_index": ri,
        "random_index_table": table,
        "acceptable": None if cr is None else bool(cr <= ACCEPTABLE_CR),
        "most_inconsistent": most_inconsistent(matrix, weights, ids),
    }


def most_inconsistent(
    matrix: Matrix, weights: Vector, ids: Sequence[str], count: int = MOST_INCONSISTENT_COUNT
) -> list[dict[str, Any]]:
    """The judgements contributing most to the inconsistency: the largest errors |a_ij * w_j / w_i - 1|, one
    per pair of elements (in the orientation with the larger error, i.e. where the judgement overstates the
    ratio of the priorities), largest first, at most ``count``; none for a consistent matrix (errors below
    1e-9)."""
    n = matrix.shape[0]
    if n < 3:
        return []
    errors = np.abs(matrix * weights[None, :] / weights[:, None] - 1.0)
    rows, columns = np.triu_indices(n, k=1)
    upper = errors[rows, columns]
    lower = errors[columns, rows]
    found = []
    for i, j, up, low in zip(rows, columns, upper, lower, strict=True):
        row, column, error = (int(i), int(j), float(up)) if up >= low else (int(j), int(i), float(low))
        if error > 1e-9:
            found.append((error, row, column))
    found.sort(key=lambda item: -item[0])
    return [
        {"row": ids[row], "column": ids[column], "value": float(matrix[row, column]), "error": error}
        for error, row, column in found[:count]
    ]
