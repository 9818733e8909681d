"""No decision problem makes the MCDA core fail with an unhandled exception (issue 11, point 5): arbitrary
JSON, and a valid problem with one part replaced by arbitrary JSON, each give a result or a ProblemError
that names the field; never another exception."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_mcda_cli import problem
from toegang.governance.mcda import evaluate
from toegang.governance.mcda.errors import ProblemError

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.sampled_from(["topsis", "weighted_sum", "vikor", "promethee_ii", "ahp", "max", "min", "A1", "kosten"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | SCALARS.filter(
        lambda v: isinstance(v, str)), inner, max_size=4),
    max_leaves=25,
)  # fmt: skip

VALID = problem()  # the valid two-by-two problem of the CLI tests
PATHS = [
    ("method",),
    ("alternatives",),
    ("alternatives", 0),
    ("alternatives", 0, "id"),
    ("criteria",),
    ("criteria", 1),
    ("criteria", 1, "direction"),
    ("criteria", 0, "weight"),
    ("performance",),
    ("performance", "A1"),
    ("performance", "A2", "kosten"),
]


def outcome(problem: object) -> None:
    try:
        result = evaluate(problem)  # type: ignore[arg-type]
    except ProblemError as error:
        assert str(error)  # a message for the person who sent it
    else:
        assert isinstance(result, dict)


@settings(max_examples=300, deadline=None)
@given(problem=JSON)
def test_arbitrary_json_gives_a_result_or_a_problem_error(problem):
    outcome(problem)


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(PATHS), value=JSON, method=st.sampled_from(["topsis", "weighted_sum", "vikor", "promethee_ii"])
)
def test_a_valid_problem_with_one_part_replaced(path, value, method):
    problem = copy.deepcopy(VALID)
    problem["method"] = method
    target = problem
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    outcome(problem)
