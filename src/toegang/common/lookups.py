"""``field__any_of=ids``: membership of a list of integer ids sent as one array parameter
(PostgreSQL ``= ANY(%s::bigint[])``) instead of one parameter per id as ``__in`` does. With server-side
binding (ADR 0014) a statement may hold at most 65,535 parameters, and the whole-history steering
refresh of a region (seed L) asks about hundreds of thousands of trajectories, plans and persons at once.
One statement for any number of ids is also one prepared statement. SQLite reads the list from one JSON
parameter. Registered on every field in ``CommonConfig.ready``."""

from __future__ import annotations

import json
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        prep = self.lhs.output_field.get_prep_value
        values = [prep(value) for value in self.rhs]
        if not all(type(value) is int for value in values):
            raise TypeError("any_of: alleen gehele getallen (ids)")
        return values

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        condition, param = any_of(lhs, self.rhs, connection)
        return condition, (*lhs_params, param)


def any_of(column: str, ids: list[int], connection: BaseDatabaseWrapper) -> tuple[str, Any]:
    """``column`` is one of ``ids``, as SQL with its one parameter: for a statement written by hand."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", ids
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(ids)  # noqa: S608
