"""Sensitivity and robustness: one-at-a-time break-even weights and Monte-Carlo rank acceptability. (The
rank-reversal check rebuilds the method on changed alternatives and lives in ``evaluate``.)

Conventions:

* Break-even weights: for criterion k the weight is set to t in [0, 1] and the other weights are rescaled
  proportionally so that all sum to 1 (w_j(t) = (1 - t) w_j / (1 - w_k)); when the other weights are all 0 they
  share 1 - t equally. Reported are all t at which the leader (the first-ranked alternative) changes, each with the
  alternative that leads beyond t as seen from the current weight (above t for points above the current weight,
  below t for points below it), in ascending order of t; a tie reached only at t = 0 or t = 1 is not a
  change. For methods whose scores are linear in the weights
  (weighted sum, AHP distributive and ideal, PROMETHEE II net flow) the points are solved exactly as the
  crossings of the upper envelope of straight lines; for TOPSIS and VIKOR the leader is evaluated on a grid of
  1001 points and every change is narrowed down by bisection to 1e-12 (changes closer together than 0.001 may be
  seen as one).
* Rank acceptability: N weight vectors (10,000 by default) are sampled and the share of samples in which each
  alternative takes each rank is reported. With two or more groups the samples are convex combinations of the
  groups' weight vectors with Dirichlet(1, ..., 1) coefficients, i.e. they lie inside the envelope the groups
  span; otherwise they are uniform on the simplex of all weight vectors. The generator is numpy's PCG64 with the
  reported seed (a seed is drawn and reported when none is given), so every result can be reproduced.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np

from .methods import Model, ranking_order
from .weights import Matrix, Order, Vector

GRID_POINTS = 1001
BISECTION_TOLERANCE = 1e-12
CHUNK = 10_000


def rescaled_weights(weights: Vector, k: int, t: Vector) -> Matrix:
    """The weight vectors with criterion k at each t and the others rescaled proportionally (rows sum to 1)."""
    n = weights.shape[0]
    others = weights.copy()
    others[k] = 0.0
    total = others.sum()
    others = others / total if total > 0 else np.where(np.arange(n) == k, 0.0, 1.0 / (n - 1))
    batch = (1.0 - t)[:, None] * others[None, :]
    batch[:, k] = t
    return batch


def _leader(model: Model, weights: Matrix) -> Order:
    return ranking_order(model.merit(weights))[:, 0]


def _linear_breakpoints(model: Model, weights: Vector, k: int) -> list[tuple[float, int]]:
    """Exact leader changes for a method linear in the weights: scores are lines alpha + beta t."""
    ends = model.merit(rescaled_weights(weights, k, np.array([0.0, 1.0])))
    alpha, beta = ends[0], ends[1] - ends[0]
    start = float(weights[k])
    first = int(_leader(model, weights[None, :])[0])
    scale = max(1.0, float(np.abs(ends).max()))
    tolerance = 1e-12 * scale
    found: list[tuple[float, int]] = []
    for direction in (1.0, -1.0):
        current, t, slack = first, start, 1e-12
        for _ in range(2 * alpha.size + 2):
            slope_gain = direction * (beta - beta[current])
            candidates = np.flatnonzero(slope_gain > tolerance)
            if candidates.size == 0:
                break
            crossings = (alpha[current] - alpha[candidates]) / (beta[candidates] - beta[current])
            ahead = direction * (crossings - t) > -slack
            if not ahead.any():
                break
            candidates, crossings = candidates[ahead], crossings[ahead]
            nearest = crossings[np.argmin(direction * crossings)]
            if direction * nearest >= (1.0 if direction > 0 else 0.0) - 1e-12:
                break  # a tie at t = 1 (or t = 0) is no change of leader inside [0, 1]
            meeting = candidates[np.abs(crossings - nearest) <= 1e-12]
            gains = direction * beta[meeting]
            current = int(meeting[np.flatnonzero(gains == gains.max())[0]])
            t = float(min(max(nearest, 0.0), 1.0))
            found.append((t, current))
            slack = -1e-12  # after a change, only crossings strictly beyond it
    return sorted(found)


def _bisected_breakpoints(model: Model, weights: Vector, k: int) -> list[tuple[float, int]]:
    """Leader changes found on a grid and narrowed down by bisection, for methods not linear in the weights."""
    start = float(weights[k])
    grid = np.linspace(0.0, 1.0, GRID_POINTS)
    found: list[tuple[float, int]] = []
    for points in (np.concatenate(([start], grid[grid > start])), np.concatenate(([start], grid[grid < start][::-1]))):
        leaders = _leader(model, rescaled_weights(weights, k, points))
        for index in range(1, points.size):
            if leaders[index] == leaders[index - 1]:
                continue
            near, far = float(points[index - 1]), float(points[index])
            near_leader = leaders[index - 1]
            while abs(far - near) > BISECTION_TOLERANCE:
                middle = (near + far) / 2.0
                if _leader(model, rescaled_weights(weights, k, np.array([middle])))[0] == near_leader:
                    near = middle
                else:
                    far = middle
            found.append(((near + far) / 2.0, int(leaders[index])))
    return sorted(found)


def break_even(model: Model, weights: Vector, criterion_ids: list[str], alternative_ids: list[str]) -> dict[str, Any]:
    """Per criterion the list of {"weight", "leader"} where the leader changes (empty where it never does)."""
    result: dict[str, Any] = {}
    for k, criterion in enumerate(criterion_ids):
        if len(criterion_ids) < 2:
            result[criterion] = []
            continue
        points = _linear_breakpoints(model, weights, k) if model.linear else _bisected_breakpoints(model, weights, k)
        result[criterion] = [{"weight": t, "leader": alternative_ids[leader]} for t, leader in points]
    return result


def sample_weights(rng: np.random.Generator, samples: int, criteria: int, envelope: Matrix | None) -> Matrix:
    """Weight vectors uniform on the simplex, or Dirichlet(1)-weighted convex combinations of the rows of
    ``envelope`` (the groups' weight vectors) when it has two or more rows."""
    if envelope is not None and envelope.shape[0] >= 2:
        coefficients = rng.dirichlet(np.ones(envelope.shape[0]), size=samples)
        return coefficients @ envelope
    return rng.dirichlet(np.ones(criteria), size=samples)


def rank_acceptability(
    model: Model,
    criteria: int,
    alternative_ids: list[str],
    samples: int,
    seed: int | None,
    envelope: Matrix | None,
) -> dict[str, Any]:
    """The share of sampled weight vectors under which each alternative takes each rank (rank 1 first)."""
    if seed is None:
        seed = secrets.randbelow(2**31)
    rng = np.random.default_rng(seed)
    m = len(alternative_ids)
    counts = np.zeros(m * m, dtype=np.int64)
    positions = np.arange(m)[None, :]
    done = 0
    while done < samples:
        size = min(CHUNK, samples - done)
        order = ranking_order(model.merit(sample_weights(rng, size, criteria, envelope)))
        counts += np.bincount((order * m + positions).ravel(), minlength=m * m)
        done += size
    shares = counts.reshape(m, m) / samples
    return {
        "samples": samples,
        "seed": seed,
        "sampling": "groups_envelope" if envelope is not None and envelope.shape[0] >= 2 else "simplex",
        "shares": {a: [float(x) for x in shares[i]] for i, a in enumerate(alternative_ids)},
    }
