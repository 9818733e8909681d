"""The aggregation methods: weighted sum, AHP synthesis, TOPSIS, PROMETHEE II and VIKOR.

Each method is prepared once from the data of a problem (performance table or local priorities) into a
:class:`Model`, whose :meth:`Model.scores` takes a *batch* of weight vectors (shape (K, n), each row summing to 1)
and returns the scores of the m alternatives under each (shape (K, m)). The same code therefore serves the single
evaluation, the groups' own rankings, the break-even analysis and the Monte-Carlo rank acceptability.

Conventions (each is named in the ``conventions`` of every result):

* Weighted sum: value functions map each criterion linearly to 0..1 over the alternatives (min-max):
  benefit criteria v = (x - min) / (max - min), cost criteria reversed v = (max - x) / (max - min); a criterion on
  which all alternatives score the same gives each of them 1. Score = sum_c w_c v_c(a); higher is better.
* AHP synthesis: distributive (default) score = sum_c w_c p_c(a) with the local priorities as derived or as given
  (published priorities are rounded and need not sum to exactly 1); ideal: each criterion's local priorities are
  first divided by their largest value. Higher is better.
* TOPSIS: normalisation ``vector`` r = x / sqrt(sum x^2) (default), ``minmax`` r = (x - min) / (max - min),
  ``sum`` r = x / sum x, ``max`` r = x / max x; a column whose denominator is 0 gives r = 0. Cost criteria are
  not transformed: their ideal is the smallest weighted normalised value and their anti-ideal the largest.
  Euclidean distances S+ (to the ideal) and S- (to the anti-ideal); closeness C = S- / (S+ + S-), higher is better
  (0.5 when both distances are 0).
* PROMETHEE II: per criterion a preference function P_j(d) of the difference d = g_j(a) - g_j(b) (b - a for cost
  criteria), 0 for d <= 0: ``usual`` 1 for d > 0; ``u_shape`` 1 for d > q; ``v_shape`` min(d / p, 1); ``level``
  1/2 for q < d <= p and 1 above p; ``linear`` (d - q) / (p - q) for q < d <= p and 1 above p; ``gaussian``
  1 - exp(-d^2 / (2 s^2)). q and p are absolute thresholds. pi(a, b) = sum_j w_j P_j(a, b) / sum_j w_j;
  phi+ (a) = sum_b pi(a, b) / (m - 1), phi- (a) = sum_b pi(b, a) / (m - 1), score = net flow phi+ - phi-.
* VIKOR: best f* and worst f- per criterion (respecting cost criteria); S = sum_j w_j (f*_j - f_j) / (f*_j - f-_j),
  R = max_j of the same terms (a criterion with f* = f- contributes 0); Q = v (S - S*) / (S- - S*) +
  (1 - v) (R - R*) / (R- - R*) with v = 0.5 by default (a part whose denominator is 0 contributes 0). Score = Q,
  lower is better; the acceptable-advantage and stability conditions are reported.
* Ties are broken by the order of the alternatives in the input (a stable sort).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .weights import Matrix, Order, Vector

METHODS = ("weighted_sum", "ahp", "topsis", "promethee_ii", "vikor")
NORMALISATIONS = ("vector", "minmax", "sum", "max")
PREFERENCE_TYPES = ("usual", "u_shape", "v_shape", "level", "linear", "gaussian")


@dataclass(frozen=True)
class Preference:
    """A PROMETHEE preference function with its absolute thresholds (q indifference, p strict preference, s the
    Gaussian parameter)."""

    type: str = "usual"
    q: float = 0.0
    p: float = 0.0
    s: float = 0.0

    def __call__(self, d: Matrix) -> Matrix:
        """P(d) for an array of differences d (already sign-corrected for cost criteria)."""
        zero = np.zeros_like(d)
        if self.type == "usual":
            return np.where(d > 0, 1.0, zero)
        if self.type == "u_shape":
            return np.where(d > self.q, 1.0, zero)
        if self.type == "v_shape":
            return np.where(d > 0, np.minimum(d / self.p, 1.0), zero)
        if self.type == "level":
            return np.where(d > self.p, 1.0, np.where(d > self.q, 0.5, zero))
        if self.type == "linear":
            return np.where(d > self.p, 1.0, np.where(d > self.q, (d - self.q) / (self.p - self.q), zero))
        if self.type == "gaussian":
            return np.where(d > 0, 1.0 - np.exp(-(d**2) / (2.0 * self.s**2)), zero)
        raise ValueError(self.type)


def _safe_divide(numerator: Matrix, denominator: Matrix, fill: float = 0.0) -> Matrix:
    """numerator / denominator with ``fill`` where the denominator is 0."""
    out = np.full(np.broadcast(numerator, denominator).shape, fill, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


@dataclass
class Model:
    """A method prepared on one problem's data. ``scores(weights)`` maps a (K, n) batch of weight vectors to a
    (K, m) array of scores; ``merit`` turns scores into 'higher is better' (VIKOR's Q is negated); ``linear``
    says whether the scores are linear in the weights (the break-even points are then solved exactly)."""

    method: str
    linear: bool
    lower_is_better: bool = False
    # Method data, set by the constructors below.
    table: Matrix = field(default_factory=lambda: np.zeros((0, 0)))
    plus: Matrix = field(default_factory=lambda: np.zeros((0, 0)))
    minus: Matrix = field(default_factory=lambda: np.zeros((0, 0)))
    vikor_v: float = 0.5
    extra: dict[str, Any] = field(default_factory=dict)

    def scores(self, weights: Matrix) -> Matrix:
        """Scores of every alternative under each weight vector of the batch (rows sum to 1)."""
        if self.method in ("weighted_sum", "ahp", "promethee_ii"):
            return weights @ self.table.T
        if self.method == "topsis":
            squared = weights**2
            s_plus = np.sqrt(squared @ self.plus.T)
            s_minus = np.sqrt(squared @ self.minus.T)
            return _safe_divide(s_minus, s_plus + s_minus, fill=0.5)
        if self.method == "vikor":
            s_values, r_values = self.vikor_s_r(weights)
            return self.vikor_q(s_values, r_values)
        raise ValueError(self.method)

    def merit(self, weights: Matrix) -> Matrix:
        """Scores oriented so that higher is better."""
        scores = self.scores(weights)
        return -scores if self.lower_is_better else scores

    def vikor_s_r(self, weights: Matrix) -> tuple[Matrix, Matrix]:
        """VIKOR's S (group utility) and R (individual regret) per weight vector and alternative."""
        s_values = weights @ self.table.T
        r_values = (weights[:, None, :] * self.table[None, :, :]).max(axis=2)
        return s_values, r_values

    def vikor_q(self, s_values: Matrix, r_values: Matrix) -> Matrix:
        """VIKOR's Q from S and R (per row)."""
        s_best, s_worst = s_values.min(axis=1, keepdims=True), s_values.max(axis=1, keepdims=True)
        r_best, r_worst = r_values.min(axis=1, keepdims=True), r_values.max(axis=1, keepdims=True)
        return self.vikor_v * _safe_divide(s_values - s_best, s_worst - s_best) + (1 - self.vikor_v) * _safe_divide(
            r_values - r_best, r_worst - r_best
        )


def value_functions(performance: Matrix, benefit: Vector) -> Matrix:
    """Min-max value functions per criterion (columns): 0..1, cost criteria reversed, 1 where all are equal."""
    low, high = performance.min(axis=0), performance.max(axis=0)
    span = high - low
    rising = _safe_divide(performance - low, np.broadcast_to(span, performance.shape), fill=1.0)
    return np.where(benefit[None, :], rising, np.where(span[None, :] == 0, 1.0, 1.0 - rising))


def weighted_sum_model(performance: Matrix, benefit: Vector) -> Model:
    """The weighted sum on min-max value functions."""
    values = value_functions(performance, benefit)
    return Model("weighted_sum", linear=True, table=values)


def ahp_model(local: Matrix, synthesis: str) -> Model:
    """AHP synthesis of local priorities (m x n): distributive (as given) or ideal (divided by each column's max)."""
    table = local / local.max(axis=0, keepdims=True) if synthesis == "ideal" else local
    return Model("ahp", linear=True, table=table, extra={"synthesis": synthesis})


def normalised_table(performance: Matrix, normalisation: str) -> Matrix:
    """TOPSIS normalisation per criterion (column); a zero denominator gives 0."""
    if normalisation == "vector":
        denominator = np.sqrt((performance**2).sum(axis=0))
        return _safe_divide(performance, np.broadcast_to(denominator, performance.shape))
    if normalisation == "minmax":
        low = performance.min(axis=0)
        span = performance.max(axis=0) - low
        return _safe_divide(performance - low, np.broadcast_to(span, performance.shape))
    if normalisation == "sum":
        return _safe_divide(performance, np.broadcast_to(performance.sum(axis=0), performance.shape))
    if normalisation == "max":
        return _safe_divide(performance, np.broadcast_to(performance.max(axis=0), performance.shape))
    raise ValueError(normalisation)


def topsis_model(performance: Matrix, benefit: Vector, normalisation: str) -> Model:
    """TOPSIS: squared distances of the normalised values to the ideal and anti-ideal per criterion, to be weighted
    by w^2 (weights are non-negative, so the weighted ideal is the weight times the normalised ideal)."""
    normalised = normalised_table(performance, normalisation)
    high, low = normalised.max(axis=0), normalised.min(axis=0)
    ideal = np.where(benefit, high, low)
    anti = np.where(benefit, low, high)
    return Model(
        "topsis",
        linear=False,
        table=normalised,
        plus=(normalised - ideal) ** 2,
        minus=(normalised - anti) ** 2,
        extra={"ideal": ideal, "anti_ideal": anti, "normalisation": normalisation},
    )


def promethee_model(performance: Matrix, benefit: Vector, preferences: list[Preference]) -> Model:
    """PROMETHEE II: the per-criterion preference matrices P_j(a, b) and per-criterion net flows, so that the net
    flow under weights w is sum_j w_j F_j(a) (linear in w)."""
    m, n = performance.shape
    sign = np.where(benefit, 1.0, -1.0)
    differences = (performance[:, None, :] - performance[None, :, :]) * sign[None, None, :]  # (a, b, j)
    per_criterion = np.stack([preferences[j](differences[:, :, j]) for j in range(n)], axis=2)
    divisor = max(m - 1, 1)
    net = (per_criterion.sum(axis=1) - per_criterion.sum(axis=0)) / divisor  # (a, j)
    return Model("promethee_ii", linear=True, table=net, extra={"per_criterion": per_criterion})


def vikor_model(performance: Matrix, benefit: Vector, v: float) -> Model:
    """VIKOR: the normalised regrets (f*_j - f_aj) / (f*_j - f-_j) per alternative and criterion."""
    best = np.where(benefit, performance.max(axis=0), performance.min(axis=0))
    worst = np.where(benefit, performance.min(axis=0), performance.max(axis=0))
    regrets = _safe_divide(best - performance, np.broadcast_to(best - worst, performance.shape))
    return Model("vikor", linear=False, lower_is_better=True, table=regrets, vikor_v=v)


def ranking_order(merit: Matrix) -> Order:
    """Indices of the alternatives best first per row (stable: ties keep the input order)."""
    return np.argsort(-merit, axis=-1, kind="stable")


def details(model: Model, weights: Vector, alternative_ids: list[str], criterion_ids: list[str]) -> dict[str, Any]:
    """The method-specific intermediate results for one weight vector (the ``details`` of the output)."""
    batch = weights[None, :]

    def per_alternative(values: Vector) -> dict[str, float]:
        return {a: float(x) for a, x in zip(alternative_ids, values, strict=True)}

    def per_criterion(values: Vector) -> dict[str, float]:
        return {c: float(x) for c, x in zip(criterion_ids, values, strict=True)}

    if model.method == "weighted_sum":
        return {"values": {a: per_criterion(row) for a, row in zip(alternative_ids, model.table, strict=True)}}
    if model.method == "ahp":
        result: dict[str, Any] = {"synthesis": model.extra["synthesis"]}
        if model.extra["synthesis"] == "ideal":
            result["ideal_priorities"] = {c: per_alternative(model.table[:, j]) for j, c in enumerate(criterion_ids)}
        return result
    if model.method == "topsis":
        squared = batch**2
        return {
            "normalisation": model.extra["normalisation"],
            "s_plus": per_alternative(np.sqrt(squared @ model.plus.T)[0]),
            "s_minus": per_alternative(np.sqrt(squared @ model.minus.T)[0]),
            "ideal": per_criterion(weights * model.extra["ideal"]),
            "anti_ideal": per_criterion(weights * model.extra["anti_ideal"]),
        }
    if model.method == "promethee_ii":
        per = model.extra["per_criterion"]
        pi = (per * weights[None, None, :]).sum(axis=2)
        divisor = max(len(alternative_ids) - 1, 1)
        return {
            "phi_plus": per_alternative(pi.sum(axis=1) / divisor),
            "phi_minus": per_alternative(pi.sum(axis=0) / divisor),
            "preference_matrix": {a: per_alternative(row) for a, row in zip(alternative_ids, pi, strict=True)},
        }
    if model.method == "vikor":
        s_values, r_values = model.vikor_s_r(batch)
        q_values = model.vikor_q(s_values, r_values)[0]
        return {
            "S": per_alternative(s_values[0]),
            "R": per_alternative(r_values[0]),
            "Q": per_alternative(q_values),
            "v": model.vikor_v,
            **vikor_conditions(s_values[0], r_values[0], q_values, alternative_ids),
        }
    raise ValueError(model.method)


def vikor_conditions(s_values: Vector, r_values: Vector, q_values: Vector, ids: list[str]) -> dict[str, Any]:
    """Opricovic & Tzeng's conditions for the compromise solution A(1), the best by Q:
    C1 acceptable advantage Q(A(2)) - Q(A(1)) >= DQ with DQ = 1 / (m - 1);
    C2 acceptable stability: A(1) is also best (or tied best) by S or by R.
    The compromise set is A(1) alone when both hold; A(1) and A(2) when only C2 fails; when C1 fails, A(1) ... A(M)
    with M the largest position for which Q(A(M)) - Q(A(1)) < DQ."""
    m = len(ids)
    order = np.argsort(q_values, kind="stable")
    dq = 1.0 / (m - 1) if m > 1 else 0.0
    first = int(order[0])
    advantage = bool(m < 2 or q_values[order[1]] - q_values[first] >= dq)
    stability = bool(s_values[first] <= s_values.min() or r_values[first] <= r_values.min())
    if advantage and stability:
        compromise = [ids[first]]
    elif advantage:
        compromise = [ids[first], ids[int(order[1])]]
    else:
        compromise = [ids[int(k)] for k in order if q_values[k] - q_values[first] < dq]
    return {
        "dq": dq,
        "acceptable_advantage": advantage,
        "acceptable_stability": stability,
        "compromise_solutions": compromise,
        "ranking_by_S": [ids[int(k)] for k in np.argsort(s_values, kind="stable")],
        "ranking_by_R": [ids[int(k)] for k in np.argsort(r_values, kind="stable")],
    }
