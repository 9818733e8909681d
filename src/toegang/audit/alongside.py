"""The audit row of a read, written beside the page (ADR 0015).

A GET or HEAD request logs what it reads in a transaction of its own. On PostgreSQL that write goes to
a writer thread with a database connection of its own, so that locking the chain, computing the hash
and committing happen while the request builds and renders its page. The request does not answer
before its row is committed: ``AuditContextMiddleware`` waits for it (at most ``AUDIT_WAIT_SECONDS``),
and when the write failed or took too long the user gets an error page instead of the data.

Everything else is written inline, as before: rows inside a caller's transaction (every write service:
the change and its row commit together), every row of a request that may change something (POST and
the like: a failed log row stops it before its next step), logins and logouts (``record(beside=False)``),
rows outside a request (commands, the worker), and everything on SQLite or with ``AUDIT_ALONGSIDE`` off.
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_pending: contextvars.ContextVar[list[Future[None]] | None] = contextvars.ContextVar("audit_pending", default=None)
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None

# The writer needs the GIL for a moment after each answer of the database. CPython hands it over from a
# busy thread only every 5 ms by default, so a request rendering its page held the writer up until it
# waited itself; at 0.5 ms the row is committed while a short page renders (ADR 0015, measured).
SWITCH_INTERVAL = 0.0005
SAFE_METHODS = frozenset({"GET", "HEAD"})


def _writer() -> ThreadPoolExecutor:
    """One writer thread per process, started on first use. Its Django connection is its own:
    connections are per thread."""
    global _executor
    with _lock:
        if _executor is None:
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-writer")
        return _executor


def _forget_writer() -> None:
    """A new writer on next use: after a fork (the child has the executor but not its thread), or when
    the writer is stuck (its thread finishes or fails on its own; nothing waits for it any more)."""
    global _executor
    _executor = None


os.register_at_fork(after_in_child=_forget_writer)


def begin(request: HttpRequest) -> contextvars.Token[list[Future[None]] | None] | None:
    """Called by the middleware when a request starts: from here on, its reads are logged beside it."""
    if not settings.AUDIT_ALONGSIDE or connection.vendor != "postgresql" or request.method not in SAFE_METHODS:
        return None
    return _pending.set([])


def submit(write: Callable[[], None]) -> bool:
    """Hand a row's write to the writer thread when the current request logs beside its work; False when
    the caller must write it itself. The caller has checked that the row is a transaction of its own."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.append(_writer().submit(_in_writer, write))
    return True


def _in_writer(write: Callable[[], None]) -> None:
    # Django's rules for a request's connection: closed after an error or when older than CONN_MAX_AGE.
    connection.close_if_unusable_or_obsolete()
    reused = connection.connection is not None
    try:
        write()
    except (OperationalError, InterfaceError):
        if not reused:
            raise
        # The server dropped the idle connection (a restart, a failover): once more on a new one. Should the
        # first attempt have committed after all, the read is logged twice, never not at all.
        connection.close()
        write()


def finish(token: contextvars.Token[list[Future[None]] | None] | None) -> BaseException | None:
    """Wait for every row the request handed over; the first failure, if any, for the middleware."""
    if token is None:
        return None
    pending = _pending.get() or []
    _pending.reset(token)
    failure = None
    for future in pending:
        try:
            error = future.exception(timeout=settings.AUDIT_WAIT_SECONDS)
        except WaitedTooLong as waited:
            _forget_writer()
            error = OperationalError(f"auditregel niet binnen {settings.AUDIT_WAIT_SECONDS} s geschreven")
            error.__cause__ = waited
        failure = failure or error
    return failure


def refusal(request: HttpRequest, failure: BaseException) -> HttpResponse:
    """The answer instead of the page whose audit row could not be written: the database's
    unavailable page (503) when it did not answer in time, else the error page; a problem for the API."""
    from toegang.api.problems import problem
    from toegang.common.views import database_unavailable

    logger.error("auditregel niet geschreven; antwoord geweigerd", exc_info=failure)
    unavailable = isinstance(failure, (OperationalError, InterfaceError))
    if request.path_info.startswith("/api/"):
        status = 503 if unavailable else 500
        detail = _("Het verzoek kon niet in het logboek worden vastgelegd; probeer het later opnieuw.")
        return JsonResponse(problem(status, str(detail)), status=status, content_type="application/problem+json")
    if unavailable:
        return database_unavailable()
    return render(request, "500.html", status=500)


def close() -> None:
    """Close the writer thread's database connection (tests: before their database is dropped)."""
    if _executor is not None:
        _executor.submit(lambda: connection.close()).result()
