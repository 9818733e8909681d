"""The one error the MCDA core raises for a problem it cannot evaluate."""

from __future__ import annotations


class ProblemError(ValueError):
    """An invalid MCDA problem. ``path`` names the offending field in the JSON input (for example
    ``pairwise.criteria[1][0]`` or ``performance.A2.kosten``); ``rule`` says in Dutch which rule it breaks.
    ``str(error)`` is ``"<path>: <rule>"``, ready to show to a person."""

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)
