"""Django's PostgreSQL backend, plus one statement that may be in flight (ADR 0017).

The audit row of a read is committed by a statement that is sent without waiting for its answer
(``send_without_waiting``), so that the database commits it while the page renders. Before the
connection is used for anything else, ``settle`` reads that answer: every cursor does so before it
executes or fetches, and so do the transaction methods and the health check. The audit middleware
settles before the response leaves and takes ``failed_commit``: a failure is kept there until then,
also when the health check or a close met it first, so that no page leaves without its committed row.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db import DatabaseError, OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper

_DONE = (psycopg.pq.ExecStatus.COMMAND_OK, psycopg.pq.ExecStatus.TUPLES_OK)
# Typed loosely: the stubs do not declare the private methods of Django's own backend overridden here.
_Base: Any = base.DatabaseWrapper


class AuditCommitFailed(OperationalError):
    """The commit of a statement sent without waiting failed, or its answer was lost. An
    OperationalError, so that a page that meets it answers 503 (common/views.error_500)."""


class _SettleFirst:
    """Cursor methods that use the connection read the answer in flight first."""

    db: Any
    cursor: Any

    def execute(self, sql: Any, params: Any = None) -> Any:
        self.db.settle()
        return super().execute(sql, params)  # type: ignore[misc]

    def executemany(self, sql: Any, param_list: Any) -> Any:
        self.db.settle()
        return super().executemany(sql, param_list)  # type: ignore[misc]

    def callproc(self, procname: Any, params: Any = None, kparams: Any = None) -> Any:
        self.db.settle()
        return super().callproc(procname, params, kparams)  # type: ignore[misc]

    def fetchone(self) -> Any:  # a server-side cursor fetches over the connection
        self.db.settle()
        with self.db.wrap_database_errors:
            return self.cursor.fetchone()

    def fetchmany(self, size: int | None = None) -> Any:
        self.db.settle()
        with self.db.wrap_database_errors:
            return self.cursor.fetchmany(size) if size is not None else self.cursor.fetchmany()

    def fetchall(self) -> Any:
        self.db.settle()
        with self.db.wrap_database_errors:
            return self.cursor.fetchall()

    def __iter__(self) -> Any:
        self.db.settle()
        return super().__iter__()  # type: ignore[misc]


class _Cursor(_SettleFirst, CursorWrapper):
    pass


class _DebugCursor(_SettleFirst, base.CursorDebugWrapper):
    pass


def _answer(raw: psycopg.Connection[Any]) -> psycopg.Error | None:
    """Read every result of the query in flight; the first error among them, if any. Waits in poll(),
    which lets other threads run meanwhile (libpq's own blocking wait would hold the GIL)."""
    pgconn = raw.pgconn
    poller = select.poll()
    poller.register(pgconn.socket, select.POLLIN)
    error: psycopg.Error | None = None
    while True:
        pgconn.consume_input()
        while pgconn.is_busy():
            poller.poll()
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            return error
        if result.status not in _DONE and error is None:
            error = psycopg.errors.error_from_result(result, encoding=raw.info.encoding)


class DatabaseWrapper(_Base):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = False
        self.failed_commit: AuditCommitFailed | None = None

    def make_cursor(self, cursor: Any) -> Any:
        return _Cursor(cursor, self)

    def make_debug_cursor(self, cursor: Any) -> Any:
        return _DebugCursor(cursor, self)

    def send_without_waiting(self, query: str) -> None:
        """Send ``query`` (fully composed, one or more statements) and return at once."""
        self.settle()
        pgconn = self.connection.pgconn
        nonblocking = pgconn.nonblocking
        pgconn.nonblocking = 0  # so that sending returns only when the whole query is on its way
        try:
            with self.wrap_database_errors:
                pgconn.send_query(query.encode(self.connection.info.encoding))
        finally:
            pgconn.nonblocking = nonblocking
        self.in_flight = True

    def settle(self) -> None:
        """Wait for the statement in flight. When it failed: roll its transaction back, keep the failure
        in ``failed_commit`` and raise it (AuditCommitFailed)."""
        if not self.in_flight:
            return
        self.in_flight = False
        raw = self.connection
        try:
            error = _answer(raw)
            if error is not None and raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                raw.rollback()
        except psycopg.Error as lost:  # the connection went away: Django closes it at the request's end
            error = lost
            self.errors_occurred = True
        if error is not None:
            self.failed_commit = AuditCommitFailed(f"auditregel niet vastgelegd: {error}")
            raise self.failed_commit from error

    def take_failed_commit(self) -> AuditCommitFailed | None:
        failed, self.failed_commit = self.failed_commit, None
        return failed

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
        except DatabaseError:  # kept in failed_commit for the middleware
            return False
        return super().is_usable()

    def _close(self) -> None:
        if self.in_flight:  # closing gives up the answer: the row cannot be confirmed
            self.in_flight = False
            self.failed_commit = AuditCommitFailed("auditregel niet bevestigd: verbinding gesloten")
        super()._close()
