"""Reading and validating an MCDA problem (the JSON input of issue 8, point 8) before any computation.

The shape is checked with a JSON schema, the meaning in code; the first offending field raises a
:class:`ProblemError` with its path (``criteria[2].preference.q``, ``pairwise.criteria[1][0]``,
``performance.A2.kosten``) and the rule in Dutch.

Conventions of the input:

* ``weighting`` is ``given`` by default (each criterion's ``weight``, normalised to sum 1: direct rating or
  points allocation); ``roc`` and ``rank_sum`` take the order of the criteria list as the order of importance,
  most important first; ``swing`` takes each criterion's ``swing`` points (0..100, the best swing 100 by
  convention); ``pairwise`` takes ``pairwise.criteria`` or, with ``groups``, each group's ``pairwise_criteria``.
* Pairwise matrices have rows and columns in list order, positive entries, ones on the diagonal, and must be
  reciprocal: a_ji * a_ij = 1 within 1 % (so that 0.333 may stand for 1/3). The computation uses the entries above
  the diagonal and their exact reciprocals below it.
* With ``groups``, the criteria weights come from the groups' matrices (``weighting`` must then be ``pairwise``
  or left out, and ``pairwise.criteria`` left out); ``aggregation`` is ``aij`` by default; a group's ``weight``
  is 1 by default and the group weights are normalised to sum 1.
* For ``ahp`` every criterion needs its local priorities, either as a matrix in ``pairwise.alternatives`` or
  directly in ``local_priorities`` (used as given). The other methods need ``performance`` for every alternative
  and criterion.
* Options that do not apply to the chosen method are ignored; the ``conventions`` of the result name those used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import numpy as np

from .errors import ProblemError
from .methods import METHODS, NORMALISATIONS, PREFERENCE_TYPES, Preference
from .weights import RANDOM_INDEX, Matrix, Vector

WEIGHTINGS = ("given", "pairwise", "roc", "rank_sum", "swing")
PRIORITISATIONS = ("eigenvector", "geometric_mean")
SYNTHESES = ("distributive", "ideal")
AGGREGATIONS = ("aij", "aip_geometric", "aip_arithmetic")
RECIPROCITY_TOLERANCE = 0.01
MAX_SAMPLES = 100_000
DEFAULT_SAMPLES = 10_000

_NUMBER = {"type": "number"}
_MATRIX = {"type": "array", "minItems": 1, "items": {"type": "array", "items": _NUMBER}}
_ID = {"type": "string", "minLength": 1}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["method", "alternatives", "criteria"],
    "properties": {
        "method": {"enum": list(METHODS)},
        "alternatives": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id"],
                "properties": {"id": _ID, "name": {"type": "string"}},
            },
        },
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "direction"],
                "properties": {
                    "id": _ID,
                    "name": {"type": "string"},
                    "direction": {"enum": ["max", "min"]},
                    "weight": {"type": "number", "minimum": 0},
                    "swing": {"type": "number", "minimum": 0, "maximum": 100},
                    "preference": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["type"],
                        "properties": {
                            "type": {"enum": list(PREFERENCE_TYPES)},
                            "q": {"type": "number", "minimum": 0},
                            "p": {"type": "number", "exclusiveMinimum": 0},
                            "s": {"type": "number", "exclusiveMinimum": 0},
                        },
                    },
                },
            },
        },
        "weighting": {"enum": list(WEIGHTINGS)},
        "pairwise": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "criteria": _MATRIX,
                "alternatives": {"type": "object", "additionalProperties": _MATRIX},
            },
        },
        "local_priorities": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0},
            },
        },
        "performance": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": _NUMBER},
        },
        "options": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "prioritisation": {"enum": list(PRIORITISATIONS)},
                "random_index": {"enum": list(RANDOM_INDEX)},
                "synthesis": {"enum": list(SYNTHESES)},
                "normalisation": {"enum": list(NORMALISATIONS)},
                "vikor_v": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "groups": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "pairwise_criteria"],
                "properties": {
                    "id": _ID,
                    "name": {"type": "string"},
                    "weight": {"type": "number", "minimum": 0},
                    "pairwise_criteria": _MATRIX,
                },
            },
        },
        "aggregation": {"enum": list(AGGREGATIONS)},
        "sensitivity": {"type": "boolean"},
        "monte_carlo": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "samples": {"type": "integer", "minimum": 1, "maximum": MAX_SAMPLES},
                "seed": {"type": "integer", "minimum": 0},
            },
        },
        "rank_reversal": {"type": "boolean"},
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

_TYPES_NL = {
    "object": "een object ({...})",
    "array": "een lijst ([...])",
    "string": "tekst",
    "number": "een getal",
    "integer": "een geheel getal",
    "boolean": "true of false",
}


@dataclass
class Group:
    """A stakeholder group: its id, its normalised weight and its pairwise matrix of the criteria."""

    id: str
    name: str
    weight: float
    matrix: Matrix


@dataclass
class Problem:
    """A validated problem, as arrays in list order (alternatives are rows, criteria columns)."""

    method: str
    alternative_ids: list[str]
    alternative_names: list[str]
    criterion_ids: list[str]
    criterion_names: list[str]
    benefit: Vector
    weighting: str
    given_weights: Vector | None = None
    swing_points: Vector | None = None
    criteria_matrix: Matrix | None = None
    alternative_matrices: dict[int, Matrix] = field(default_factory=dict)
    given_local: dict[int, Vector] = field(default_factory=dict)
    performance: Matrix | None = None
    preferences: list[Preference] = field(default_factory=list)
    prioritisation: str = "eigenvector"
    random_index: str = "saaty1980"
    synthesis: str = "distributive"
    normalisation: str = "vector"
    vikor_v: float = 0.5
    groups: list[Group] = field(default_factory=list)
    aggregation: str | None = None
    sensitivity: bool = False
    samples: int | None = None
    seed: int | None = None
    rank_reversal: bool = False


def format_path(parts: Any) -> str:
    """``['criteria', 2, 'weight']`` -> ``criteria[2].weight``."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _schema_error(error: jsonschema.ValidationError) -> ProblemError:
    """A Dutch :class:`ProblemError` for the first schema violation."""
    path = format_path(error.absolute_path)
    validator, expected, instance = error.validator, error.validator_value, error.instance
    if validator == "required":
        missing = next(name for name in expected if name not in instance)
        return ProblemError(format_path([*error.absolute_path, missing]), "verplicht veld ontbreekt")
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(name for name in instance if name not in allowed)
        return ProblemError(format_path([*error.absolute_path, extra[0]]), "onbekend veld")
    if validator == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        if path == "method":
            return ProblemError(path, f"onbekende methode {instance!r}; kies uit {choices}")
        return ProblemError(path, f"onbekende waarde {instance!r}; kies uit {choices}")
    if validator == "type":
        return ProblemError(path, f"moet {_TYPES_NL.get(str(expected), str(expected))} zijn")
    if validator == "minItems":
        return ProblemError(path, f"moet minstens {expected} element(en) bevatten")
    if validator == "minLength":
        return ProblemError(path, "mag niet leeg zijn")
    if validator == "minimum":
        return ProblemError(path, f"mag niet kleiner zijn dan {expected} (negatief is niet toegestaan)")
    if validator == "exclusiveMinimum":
        return ProblemError(path, f"moet groter zijn dan {expected}")
    if validator == "maximum":
        return ProblemError(path, f"mag niet groter zijn dan {expected}")
    return ProblemError(path, f"ongeldige waarde ({error.message})")


def _check_finite(value: Any, path: list[Any]) -> None:
    """Reject NaN and infinity anywhere in the input (JSON itself has neither, Python's json module reads them)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ProblemError(format_path(path), "moet een eindig getal zijn (geen NaN of oneindig)")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, [*path, index])


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for index, identifier in enumerate(ids):
        if identifier in seen:
            raise ProblemError(f"{path}[{index}].id", f"dubbele id {identifier!r}; elke id moet uniek zijn")
        seen.add(identifier)


def pairwise_matrix(raw: list[list[float]], size: int, path: str, what: str) -> Matrix:
    """Check one pairwise matrix (size, positive, unit diagonal, reciprocal within 1 %) and return it with the
    exact reciprocals of the entries above the diagonal below it."""
    if len(raw) != size:
        raise ProblemError(path, f"de matrix moet {size} rijen hebben (één per {what}), niet {len(raw)}")
    for i, row in enumerate(raw):
        if len(row) != size:
            raise ProblemError(f"{path}[{i}]", f"de rij moet {size} getallen hebben (één per {what}), niet {len(row)}")
    matrix = np.asarray(raw, dtype=np.float64)
    for i in range(size):
        for j in range(size):
            if matrix[i, j] <= 0:
                raise ProblemError(f"{path}[{i}][{j}]", "de matrix moet positief zijn (elk oordeel groter dan 0)")
    for i in range(size):
        if abs(matrix[i, i] - 1.0) > 1e-9:
            raise ProblemError(f"{path}[{i}][{i}]", "op de diagonaal moet 1 staan (a_ii = 1)")
    for i in range(size):
        for j in range(i):
            if abs(matrix[i, j] * matrix[j, i] - 1.0) > RECIPROCITY_TOLERANCE:
                raise ProblemError(f"{path}[{i}][{j}]", "de matrix is niet reciprook (a_ji moet 1/a_ij zijn)")
    upper = np.triu(matrix, k=1)
    return upper + np.triu(1.0 / matrix, k=1).T + np.eye(size)


def _preference(raw: dict[str, Any] | None, path: str) -> Preference:
    if raw is None:
        return Preference()
    kind = raw["type"]
    needs = {"usual": (), "u_shape": ("q",), "v_shape": ("p",), "level": ("q", "p"), "linear": ("q", "p")}
    for name in needs.get(kind, ("s",)):
        if name not in raw:
            raise ProblemError(f"{path}.{name}", f"verplicht voor voorkeursfunctie {kind!r}")
    q, p, s = float(raw.get("q", 0.0)), float(raw.get("p", 0.0)), float(raw.get("s", 0.0))
    if kind == "level" and q > p:
        raise ProblemError(f"{path}.q", "de indifferentiedrempel q mag niet groter zijn dan de voorkeursdrempel p")
    if kind == "linear" and q >= p:
        raise ProblemError(f"{path}.q", "de indifferentiedrempel q moet kleiner zijn dan de voorkeursdrempel p")
    return Preference(kind, q, p, s)


def _not_all_zero(values: list[float], path: str, what: str) -> None:
    if not any(value > 0 for value in values):
        raise ProblemError(path, f"{what} mogen niet allemaal 0 zijn")


def parse(raw: Any) -> Problem:
    """Validate a problem (the parsed JSON) and return it as a :class:`Problem`; raise :class:`ProblemError` on
    the first violation."""
    if not isinstance(raw, dict):
        raise ProblemError("", "het probleem moet een JSON-object ({...}) zijn")
    _check_finite(raw, [])
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(raw))
    if error is not None:
        raise _schema_error(error)

    alternatives, criteria = raw["alternatives"], raw["criteria"]
    alternative_ids = [item["id"] for item in alternatives]
    criterion_ids = [item["id"] for item in criteria]
    _unique(alternative_ids, "alternatives")
    _unique(criterion_ids, "criteria")
    m, n = len(alternative_ids), len(criterion_ids)
    options = raw.get("options", {})
    groups_raw = raw.get("groups", [])
    weighting = raw.get("weighting", "pairwise" if groups_raw else "given")
    problem = Problem(
        method=raw["method"],
        alternative_ids=alternative_ids,
        alternative_names=[item.get("name", item["id"]) for item in alternatives],
        criterion_ids=criterion_ids,
        criterion_names=[item.get("name", item["id"]) for item in criteria],
        benefit=np.array([item["direction"] == "max" for item in criteria]),
        weighting=weighting,
        prioritisation=options.get("prioritisation", "eigenvector"),
        random_index=options.get("random_index", "saaty1980"),
        synthesis=options.get("synthesis", "distributive"),
        normalisation=options.get("normalisation", "vector"),
        vikor_v=float(options.get("vikor_v", 0.5)),
        sensitivity=bool(raw.get("sensitivity", False)),
        rank_reversal=bool(raw.get("rank_reversal", False)),
    )
    problem.preferences = [
        _preference(item.get("preference"), f"criteria[{j}].preference") for j, item in enumerate(criteria)
    ]

    pairwise = raw.get("pairwise", {})
    if weighting == "given":
        for j, item in enumerate(criteria):
            if "weight" not in item:
                raise ProblemError(f"criteria[{j}].weight", "waarde ontbreekt (weighting 'given' vraagt een gewicht)")
        weights = [float(item["weight"]) for item in criteria]
        _not_all_zero(weights, "criteria", "de gewichten (weight)")
        problem.given_weights = np.array(weights)
    elif weighting == "swing":
        for j, item in enumerate(criteria):
            if "swing" not in item:
                raise ProblemError(f"criteria[{j}].swing", "waarde ontbreekt (weighting 'swing' vraagt swingpunten)")
        points = [float(item["swing"]) for item in criteria]
        _not_all_zero(points, "criteria", "de swingpunten (swing)")
        problem.swing_points = np.array(points)
    elif weighting == "pairwise" and not groups_raw and "criteria" not in pairwise:
        raise ProblemError("pairwise.criteria", "ontbreekt (weighting 'pairwise' vraagt een vergelijkingsmatrix)")
    if "criteria" in pairwise:
        if groups_raw:
            raise ProblemError(
                "pairwise.criteria",
                "niet toegestaan naast groups: met groepen komt de criteriamatrix uit groups[].pairwise_criteria",
            )
        problem.criteria_matrix = pairwise_matrix(pairwise["criteria"], n, "pairwise.criteria", "criterium")

    if groups_raw:
        if weighting != "pairwise":
            raise ProblemError("weighting", "met groups moet weighting 'pairwise' zijn (of weglaten)")
        group_ids = [item["id"] for item in groups_raw]
        _unique(group_ids, "groups")
        group_weights = [float(item.get("weight", 1.0)) for item in groups_raw]
        _not_all_zero(group_weights, "groups", "de groepsgewichten (weight)")
        total = sum(group_weights)
        problem.groups = [
            Group(
                id=item["id"],
                name=item.get("name", item["id"]),
                weight=group_weights[k] / total,
                matrix=pairwise_matrix(item["pairwise_criteria"], n, f"groups[{k}].pairwise_criteria", "criterium"),
            )
            for k, item in enumerate(groups_raw)
        ]
        problem.aggregation = raw.get("aggregation", "aij")

    index_of_criterion = {c: j for j, c in enumerate(criterion_ids)}
    alternative_set = set(alternative_ids)
    matrices_raw = pairwise.get("alternatives", {})
    local_raw = raw.get("local_priorities", {})
    for key in matrices_raw:
        if key not in index_of_criterion:
            raise ProblemError(f"pairwise.alternatives.{key}", "onbekend criterium")
    for key, values in local_raw.items():
        if key not in index_of_criterion:
            raise ProblemError(f"local_priorities.{key}", "onbekend criterium")
        for alternative in values:
            if alternative not in alternative_set:
                raise ProblemError(f"local_priorities.{key}.{alternative}", "onbekend alternatief")
    if problem.method == "ahp":
        for j, criterion in enumerate(criterion_ids):
            if criterion in matrices_raw and criterion in local_raw:
                raise ProblemError(
                    f"local_priorities.{criterion}",
                    "dubbel: geef voor een criterium óf pairwise.alternatives óf local_priorities",
                )
            if criterion in matrices_raw:
                problem.alternative_matrices[j] = pairwise_matrix(
                    matrices_raw[criterion], m, f"pairwise.alternatives.{criterion}", "alternatief"
                )
            elif criterion in local_raw:
                values = []
                for alternative in alternative_ids:
                    if alternative not in local_raw[criterion]:
                        raise ProblemError(f"local_priorities.{criterion}.{alternative}", "waarde ontbreekt")
                    values.append(float(local_raw[criterion][alternative]))
                _not_all_zero(values, f"local_priorities.{criterion}", "de prioriteiten")
                problem.given_local[j] = np.array(values)
            else:
                raise ProblemError(
                    f"local_priorities.{criterion}",
                    "ontbreekt: methode 'ahp' vraagt per criterium pairwise.alternatives of local_priorities",
                )
    else:
        performance_raw = raw.get("performance")
        if performance_raw is None:
            raise ProblemError("performance", f"ontbreekt (methode {problem.method!r} vraagt een prestatietabel)")
        for alternative in performance_raw:
            if alternative not in alternative_set:
                raise ProblemError(f"performance.{alternative}", "onbekend alternatief")
        table = np.zeros((m, n))
        for i, alternative in enumerate(alternative_ids):
            if alternative not in performance_raw:
                raise ProblemError(f"performance.{alternative}", "waarden ontbreken voor dit alternatief")
            row = performance_raw[alternative]
            for key in row:
                if key not in index_of_criterion:
                    raise ProblemError(f"performance.{alternative}.{key}", "onbekend criterium")
            for j, criterion in enumerate(criterion_ids):
                if criterion not in row:
                    raise ProblemError(f"performance.{alternative}.{criterion}", "waarde ontbreekt")
                table[i, j] = float(row[criterion])
        problem.performance = table

    monte_carlo = raw.get("monte_carlo")
    if monte_carlo is not None:
        problem.samples = int(monte_carlo.get("samples", DEFAULT_SAMPLES))
        seed = monte_carlo.get("seed")
        problem.seed = None if seed is None else int(seed)
    return problem
