"""Background jobs: ``enqueue(task, *args)`` hands a Celery task to whatever runs background work here
(setting WORKER, docs/operations.md), once the current transaction has committed, so the job always
sees the rows the request wrote:

- "celery": ``task.delay`` to the worker over the broker (production);
- "thread": a daemon thread of this process, one job at a time; it closes its database connection
  when done (the embedded default of ``make run`` on SQLite);
- "inline": in the same thread, when the transaction commits (tests).

A job that cannot be handed over (broker unreachable, no thread to start) is logged and reported to
``on_failure``, so the caller can tell the user instead of leaving a job that never starts."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)
_one_at_a_time = threading.Lock()  # "thread": jobs queue here instead of competing for SQLite's writer


def enqueue(task: Any, *args: Any, on_failure: Callable[[BaseException], None] | None = None) -> None:
    """Run ``task(*args)`` in the background after the current transaction commits (at once outside one)."""
    mode = settings.WORKER

    def hand_over() -> None:
        try:
            if mode == "celery":
                task.delay(*args)
            elif mode == "thread":
                threading.Thread(target=_in_thread, args=(task, args), name=f"job-{task.name}", daemon=True).start()
            else:
                task(*args)
        except Exception as error:  # noqa: BLE001 - reported to the caller's on_failure, never to the request
            logger.exception("Achtergrondtaak %s niet gestart", task.name)
            if on_failure is not None:
                on_failure(error)

    transaction.on_commit(hand_over)


def _in_thread(task: Any, args: tuple[Any, ...]) -> None:
    with _one_at_a_time:
        try:
            task(*args)
        except Exception:  # noqa: BLE001 - a thread has no caller to raise to: log it
            logger.exception("Achtergrondtaak %s mislukt", task.name)
        finally:
            connections.close_all()  # this thread's connections only
