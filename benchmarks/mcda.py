"""MCDA core (issue 8): time ``evaluate`` on 10 alternatives x 20 criteria x 50 stakeholder groups (each with its
own 20 x 20 pairwise matrix of the criteria, aggregated by AIJ), with break-even sensitivity, the rank-reversal
check and the Monte-Carlo rank acceptability over 10,000 weight vectors in the groups' envelope; for every method.
The issue's target is under 2 s per evaluation. Timings are reported, never asserted; results go to
``benchmarks/results/<date>-mcda.json``. No database is needed.

    .venv/bin/python benchmarks/mcda.py [--alternatives 10] [--criteria 20] [--groups 50] [--samples 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
for folder in (PROJECT, PROJECT / "src"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from benchmarks.run import result_path  # noqa: E402 - after the project is on the path
from toegang.governance.mcda import evaluate  # noqa: E402

SCALE = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9])


def reciprocal(rng: np.random.Generator, size: int, base: np.ndarray | None = None) -> list[list[float]]:
    """A positive reciprocal matrix on Saaty's scale: near a base weight vector when given (moderately
    inconsistent), otherwise random."""
    matrix = np.ones((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            if base is None:
                value = float(rng.choice(SCALE))
            else:
                ratio = base[i] / base[j] * float(np.exp(rng.normal(0.0, 0.4)))
                value = float(SCALE[np.argmin(np.abs(np.log(SCALE) - np.log(ratio)))])
            matrix[i, j], matrix[j, i] = value, 1.0 / value
    return matrix.tolist()


def problem(method: str, alternatives: int, criteria: int, groups: int, samples: int, seed: int = 8) -> dict[str, Any]:
    """A random problem of the given size for one method."""
    rng = np.random.default_rng(seed)
    alternative_ids = [f"A{i + 1}" for i in range(alternatives)]
    criterion_ids = [f"C{j + 1}" for j in range(criteria)]
    base = rng.dirichlet(np.ones(criteria))
    data: dict[str, Any] = {
        "method": method,
        "alternatives": [{"id": a, "name": f"Alternatief {a}"} for a in alternative_ids],
        "criteria": [
            {
                "id": c,
                "name": f"Criterium {c}",
                "direction": "min" if j % 4 == 3 else "max",
                "preference": {"type": "linear", "q": 0.5, "p": 2.0},
            }
            for j, c in enumerate(criterion_ids)
        ],
        "weighting": "pairwise",
        "groups": [
            {"id": f"G{k + 1}", "weight": float(1 + k % 3), "pairwise_criteria": reciprocal(rng, criteria, base)}
            for k in range(groups)
        ],
        "aggregation": "aij",
        "sensitivity": True,
        "rank_reversal": True,
        "monte_carlo": {"samples": samples, "seed": 1},
    }
    if method == "ahp":
        data["pairwise"] = {"alternatives": {c: reciprocal(rng, alternatives) for c in criterion_ids}}
    else:
        data["performance"] = {a: {c: float(rng.integers(1, 11)) for c in criterion_ids} for a in alternative_ids}
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--alternatives", type=int, default=10)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    runs: dict[str, Any] = {}
    for method in ("weighted_sum", "ahp", "topsis", "promethee_ii", "vikor"):
        data = problem(method, args.alternatives, args.criteria, args.groups, args.samples)
        evaluate(data)  # warm-up
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            evaluate(data)
            timings.append(time.perf_counter() - started)
        runs[method] = {"median_s": statistics.median(timings), "max_s": max(timings), "runs": timings}
        print(f"{method:13s} median {statistics.median(timings):.3f} s, max {max(timings):.3f} s (target < 2 s)")
    report = {
        "benchmark": "mcda",
        "date": dt.date.today().isoformat(),
        "size": {
            "alternatives": args.alternatives,
            "criteria": args.criteria,
            "groups": args.groups,
            "monte_carlo_samples": args.samples,
            "includes": ["AIJ over the groups", "per-group rankings", "break-even", "rank reversal", "Monte-Carlo"],
        },
        "target_s": 2.0,
        "machine": {"python": platform.python_version(), "numpy": np.__version__, "processor": platform.machine()},
        "methods": runs,
    }
    path = result_path(f"{dt.date.today().isoformat()}-mcda")
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {path.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
