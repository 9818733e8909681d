"""Prepared statements on PostgreSQL (ADR 0014).

Django's default psycopg cursor binds parameters on the client, so every query of every request is
parsed and planned again; on the household page that planning took more time than running the
queries. This cursor binds on the server, so that psycopg can prepare a statement once it has run
``prepare_threshold`` times on a connection and PostgreSQL can then reuse its plan.

A prepared statement may end up with PostgreSQL's generic plan, which does not see the parameter
values. Two cases where that is the wrong trade keep a plan made for their values every time:

- a pattern (``LIKE``): only a known prefix can become a range on the index of the search (people 0005);
- everything inside ``value_plans()`` (also a decorator): reports over a period the user
  chooses, the steering pages and the audit log's date filter. A generic plan guesses a range of
  unknown width at a fraction of a percent of the rows, and so picks an index scan for a year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg

_value_plans: ContextVar[bool] = ContextVar("value_plans", default=False)


@contextmanager
def value_plans() -> Iterator[None]:
    """Within this block, or a view decorated with ``@value_plans()``, no statement is prepared: each is
    planned for its values."""
    token = _value_plans.set(True)
    try:
        yield
    finally:
        _value_plans.reset(token)


# LIKE and ILIKE as Django writes them for startswith, contains and their case-insensitive forms
_NEEDS_VALUE_PLAN = re.compile(r"\bI?LIKE\b", re.IGNORECASE)


def needs_value_plan(query: object) -> bool:
    """Whether a statement should be planned for its values every time instead of prepared."""
    # the substring test first: it runs for every statement of every request, the regex (tens of µs on a
    # long SELECT) only for the few that mention the word at all
    return (
        isinstance(query, str)
        and ("LIKE" in query or "like" in query)  # as SQL is written: upper case (Django) or lower case
        and _NEEDS_VALUE_PLAN.search(query) is not None
    )


class PreparingCursor(psycopg.Cursor[Any]):
    """Server-side binding; prepared after ``prepare_threshold`` runs, except patterns and value plans."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        if prepare is None and (_value_plans.get() or needs_value_plan(query)):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
