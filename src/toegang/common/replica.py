"""Reads that may go to a read-only replica (issue 10, docs/operations.md "Beyond one machine").

When ``DATABASE_REPLICA_URL`` is set, the settings add a ``replica`` database and this router. Only
code that runs inside ``on_replica`` reads from it: the steering pages, which read summary tables that
are behind by design (the refresh runs on a schedule and every page says how far), so a replica's
lag of seconds changes nothing. Everything else — case work, where a professional must see what they
just saved, and every write, the audit log included — stays on the primary. Without a replica the
router sends everything to the primary, so the decorator costs nothing in the embedded default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings

from toegang.common.pgcursor import value_plans

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)

View = TypeVar("View", bound=Callable[..., Any])


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads go to the replica when one is configured."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def on_replica(view: View) -> View:
    """A view whose reads may come from the replica (writes and the audit log stay on the primary)."""
    return replica_reads()(value_plans()(view))  # periods the user chooses: plans for the values (ADR 0014)


class ReplicaRouter:
    """Reads inside ``replica_reads`` go to the replica; everything else, and every write and migration,
    to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_from_replica.get() and REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True):
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
