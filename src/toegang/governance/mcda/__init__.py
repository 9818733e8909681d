"""Multi-criteria decision analysis for the choice of an organisation form (issue 8, points 2-4 and 8).

Own code on numpy, small and explicit, so that every number can be explained in a council proposal. The public
API is one function and one exception::

    from toegang.governance.mcda import ProblemError, evaluate

    result = evaluate(problem)  # problem: the JSON object documented in docs/mcda.md

Modules: ``weights`` (weighting methods, AHP priorities and consistency), ``methods`` (weighted sum, AHP
synthesis, TOPSIS, PROMETHEE II, VIKOR), ``groups`` (AIJ/AIP aggregation and disagreement), ``robustness``
(break-even weights, Monte-Carlo rank acceptability), ``problem`` (validation) and ``evaluate``. Each states its
conventions in its docstring; every result carries them in its ``conventions`` object.
"""

from .errors import ProblemError
from .evaluate import evaluate

__all__ = ["ProblemError", "evaluate"]
