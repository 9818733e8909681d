"""Django's PostgreSQL backend, plus one statement that may be in flight (ADR 0017).

The audit row of a read is committed by a statement that is sent without waiting for its answer
(``send_without_waiting``), so that the database commits it while the page renders. Before the
connection is used for anything else, and before the response leaves (audit.context), ``settle`` reads
that answer and raises its error, if any. Every way Django uses the connection passes through one of the
methods below, so nothing else can be sent while the statement is still in flight.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.db import DatabaseError
from django.db.backends.postgresql import base

# Typed loosely: the stubs do not declare the private methods that Django's own backend defines and
# that are overridden here.
_Base: Any = base.DatabaseWrapper
_DONE = (psycopg.pq.ExecStatus.COMMAND_OK, psycopg.pq.ExecStatus.TUPLES_OK)


class DatabaseWrapper(_Base):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = False

    def send_without_waiting(self, query: str) -> None:
        """Send ``query`` (fully composed, one or more statements) and return at once."""
        self.settle()
        pgconn = self.connection.pgconn
        pgconn.nonblocking = 0  # so that sending returns only when the whole query is on its way
        try:
            pgconn.send_query(query.encode(self.connection.info.encoding))
        finally:
            pgconn.nonblocking = 1
        self.in_flight = True

    def settle(self) -> None:
        """Wait for the statement in flight and raise its error as a Django DatabaseError; after an error
        the transaction it was in is rolled back, so the connection can be used again."""
        if not self.in_flight:
            return
        self.in_flight = False
        raw = self.connection
        error: psycopg.Error | None = None
        while (result := raw.pgconn.get_result()) is not None:
            if result.status not in _DONE and error is None:
                error = psycopg.errors.error_from_result(result, encoding=raw.info.encoding)
        if error is not None:
            if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raw.rollback()
            with self.wrap_database_errors:
                raise error

    def create_cursor(self, name: Any = None) -> Any:
        self.settle()
        return super().create_cursor(name)

    def _set_autocommit(self, autocommit: bool) -> None:
        self.settle()
        super()._set_autocommit(autocommit)

    def _commit(self) -> None:
        self.settle()
        super()._commit()

    def _rollback(self) -> None:
        self.settle()
        super()._rollback()

    def is_usable(self) -> bool:
        try:
            self.settle()
        except DatabaseError:
            return False
        return super().is_usable()

    def _close(self) -> None:
        if self.in_flight:  # closing gives up the answer; the statement itself has been sent already
            self.in_flight = False
        super()._close()
