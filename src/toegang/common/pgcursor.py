"""Prepared statements on PostgreSQL (ADR 0014).

Django's default psycopg cursor binds parameters on the client, so every query of every request is
parsed and planned again; on the household page that planning took more time than running the
queries. This cursor binds on the server, so that psycopg can prepare a statement once it has run
``prepare_threshold`` times on a connection and PostgreSQL can then reuse its plan.

A prepared statement may end up with PostgreSQL's generic plan, which does not see the parameter
values. For a pattern (``LIKE``) that is the wrong trade: only a known prefix can use the
``text_pattern_ops`` indexes of the search, so such statements are never prepared and keep a plan
made for their value.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg

# LIKE and ILIKE as Django writes them for startswith, contains and their case-insensitive forms
_NEEDS_VALUE_PLAN = re.compile(r"\bI?LIKE\b", re.IGNORECASE)


def needs_value_plan(query: object) -> bool:
    """Whether a statement should be planned for its values every time instead of prepared."""
    return isinstance(query, str) and _NEEDS_VALUE_PLAN.search(query) is not None


class PreparingCursor(psycopg.Cursor[Any]):
    """Server-side binding; prepared after ``prepare_threshold`` runs, except pattern searches."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        if prepare is None and needs_value_plan(query):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)
