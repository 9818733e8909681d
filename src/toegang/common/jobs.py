"""Background jobs: ``enqueue(task, *args)`` hands a Celery task to whatever runs background work here
(setting WORKER, docs/operations.md), once the current transaction has committed, so the job always
sees the rows the request wrote:

- "celery": ``task.delay`` to the worker over the broker (production);
- "thread": a daemon thread of this process (the embedded default of ``make run`` on SQLite). Jobs run one
  at a time per *lane*: a lane is the task's name (or its ``lane`` attribute), so the webhook deliveries, the
  ZGW registrations and the exports each have their own and one never waits behind another; two jobs of
  the same lane still take turns (they would compete for the same rows). A job that is already waiting
  with the same task and arguments is not queued twice: it starts after this commit and sees its rows.
  Each job closes its database connection when done;
- "inline": in the same thread, when the transaction commits (tests).

A job that cannot be handed over (broker unreachable, no thread to start) is logged and reported to
``on_failure``, so the caller can tell the user instead of leaving a job that never starts.

**Recurring work in the embedded worker.** ``recurring(task, next_due=...)`` (from an app's ``ready``)
registers a task that looks for due rows itself, such as the webhook delivery round, with a function that
says when it next has work (a moment, or None). With WORKER=thread a schedule thread of the process hands
the task over when the process starts serving (at the start of ``manage.py runserver`` in the process that
serves, not the autoreloader's parent; else at its first request, which also starts the schedule again if
it has stopped) and then whenever ``next_due()`` says work is due, looking again at least every POLL_SECONDS and
at once after ``wake()``. So retries that were due while the process was down are picked up when it comes
back, with nothing extra to start. With Celery, beat (or cron) does this instead; inline nothing does."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import request_started
from django.db import connections, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
POLL_SECONDS = 60.0  # the schedule looks at next_due() at least this often
AFTER_HAND_OVER_SECONDS = 5.0  # and no sooner than this after it handed a task over (it may still run)

_state = threading.Lock()
_lanes: dict[str, threading.Lock] = {}
_waiting: set[tuple[str, str, tuple[Any, ...]]] = set()  # jobs handed to a thread that has not started yet


def _lane_of(task: Any) -> str:
    return str(getattr(task, "lane", None) or task.name)


def enqueue(task: Any, *args: Any, on_failure: Callable[[BaseException], None] | None = None) -> None:
    """Run ``task(*args)`` in the background after the current transaction commits (at once outside one)."""
    mode = settings.WORKER

    def hand_over() -> None:
        try:
            if mode == "celery":
                task.delay(*args)
            elif mode == "thread":
                _start_thread(task, args)
            else:
                task(*args)
        except Exception as error:  # noqa: BLE001 - reported to the caller's on_failure, never to the request
            logger.exception("Achtergrondtaak %s niet gestart", task.name)
            if on_failure is not None:
                on_failure(error)

    transaction.on_commit(hand_over)


def _start_thread(task: Any, args: tuple[Any, ...]) -> None:
    lane_name = _lane_of(task)
    key: tuple[str, str, tuple[Any, ...]] | None = (lane_name, task.name, args)
    try:
        hash(key)
    except TypeError:
        key = None  # arguments that cannot be compared: never merged
    with _state:
        if key is not None:
            if key in _waiting:
                return  # the same job waits for its turn and will see what this transaction wrote
            _waiting.add(key)
        lane = _lanes.setdefault(lane_name, threading.Lock())
    try:
        threading.Thread(target=_in_thread, args=(task, args, lane, key), name=f"job-{task.name}", daemon=True).start()
    except BaseException:
        if key is not None:
            with _state:
                _waiting.discard(key)
        raise


def _in_thread(
    task: Any, args: tuple[Any, ...], lane: threading.Lock, key: tuple[str, str, tuple[Any, ...]] | None
) -> None:
    with lane:
        if key is not None:
            with _state:
                _waiting.discard(key)
        try:
            task(*args)
        except Exception:  # noqa: BLE001 - a thread has no caller to raise to: log it
            logger.exception("Achtergrondtaak %s mislukt", task.name)
        finally:
            connections.close_all()  # this thread's connections only


# --- recurring work in the embedded worker ----------------------------------------------------------------


@dataclass(frozen=True)
class _Recurring:
    task: Any
    next_due: Callable[[], dt.datetime | None]


_recurring: list[_Recurring] = []
_wake = threading.Event()
_scheduler: tuple[int, threading.Thread, threading.Event] | None = None  # (pid, thread, stop)


def recurring(task: Any, *, next_due: Callable[[], dt.datetime | None]) -> None:
    """Register ``task`` as recurring work of the embedded worker (see the module's text). Call it once per
    task, from the app's ``ready``; ``task`` is handed over like any job (``enqueue``) and ``next_due``
    runs in the schedule's thread (it may query the database)."""
    if any(r.task is task or r.task.name == task.name for r in _recurring):
        return
    _recurring.append(_Recurring(task, next_due))
    request_started.connect(_on_request, dispatch_uid="toegang.common.jobs.recurring")
    if _serving_runserver():
        start()


def _serving_runserver() -> bool:
    """This process is the one of ``manage.py runserver`` that serves: with the autoreloader that is the
    child (RUN_MAIN=true), never the parent that only watches the files and restarts the child."""
    if sys.argv[1:2] != ["runserver"]:
        return False
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in sys.argv


def _on_request(**_kwargs: Any) -> None:
    current = _scheduler
    if current is None or current[0] != os.getpid() or not current[1].is_alive():
        start()


def start() -> None:
    """Start the schedule of recurring work in this process (once; only when WORKER is "thread")."""
    global _scheduler
    if settings.WORKER != "thread" or not _recurring:
        return
    with _state:
        if _scheduler is not None and _scheduler[0] == os.getpid() and _scheduler[1].is_alive():
            return
        stop = threading.Event()
        thread = threading.Thread(target=_schedule, args=(stop,), name="job-schedule", daemon=True)
        _scheduler = (os.getpid(), thread, stop)
    thread.start()


def stop(timeout: float = 10) -> None:
    """Stop the schedule (tests)."""
    global _scheduler
    with _state:
        current, _scheduler = _scheduler, None
    if current is not None:
        current[2].set()
        _wake.set()
        current[1].join(timeout)


def wake() -> None:
    """Let the schedule look at ``next_due()`` now (a job that just set a new retry calls this)."""
    _wake.set()


def _schedule(stop_event: threading.Event) -> None:
    while not stop_event.is_set() and settings.WORKER == "thread":
        _wake.clear()
        wait = POLL_SECONDS
        for item in tuple(_recurring):  # a copy: an app may register while this runs
            try:
                wait = min(wait, _look(item))
            except Exception:  # noqa: BLE001 - the schedule goes on; the next look may succeed
                logger.exception("Achtergrondtaak %s: niet na te gaan wanneer er werk is", item.task.name)
            finally:
                connections.close_all()  # this thread's connections only
        if not stop_event.is_set():
            _wake.wait(wait)


def _look(item: _Recurring) -> float:
    """Hand ``item``'s task over when it has work due; returns the seconds until the schedule looks again."""
    due = item.next_due()
    if due is None:
        return POLL_SECONDS
    seconds = (due - timezone.now()).total_seconds()
    if seconds <= 0:
        try:
            _start_thread(item.task, ())
        except Exception:  # noqa: BLE001 - no thread to start now: the next look tries again
            logger.exception("Achtergrondtaak %s niet gestart", item.task.name)
        seconds = AFTER_HAND_OVER_SECONDS
    return max(seconds, 0.2)
