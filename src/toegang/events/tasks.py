"""The events app's background task (common/jobs.py decides where it runs; docs/events.md)."""

from __future__ import annotations

import logging
import threading

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.events import delivery

logger = logging.getLogger(__name__)
_timer_lock = threading.Lock()
_timer: threading.Timer | None = None


@shared_task(name="toegang.events.deliver", ignore_result=True)
def deliver() -> None:
    """Deliver what is due. In the Celery worker one batch per task: when the batch is full the task first
    queues its successor, so the worker's processes share a long queue; elsewhere (the embedded thread,
    tests) it delivers everything due and, in the embedded thread, sets a timer for the next retry."""
    if settings.WORKER == "celery":
        delivery.fan_out()
        batch = delivery.claim()
        if len(batch) >= settings.EVENTS_BATCH_SIZE:
            deliver.delay()
        if batch:
            delivery.send(batch)
        return
    delivery.deliver_due()
    if settings.WORKER == "thread":
        _retry_later()


class _WithoutPublishRetries:
    """``deliver`` as common/jobs.py hands it over, sent to the broker once, without Celery's publish
    retries: when the broker is down the request that published goes on at once (about 0.1 s) instead of
    waiting about a second for the retries; its events wait for the next round."""

    name = "toegang.events.deliver"

    def delay(self) -> None:
        deliver.apply_async(retry_policy={"max_retries": 0})

    def __call__(self) -> None:
        deliver()


kick = _WithoutPublishRetries()


def _retry_later() -> None:
    """The embedded default has no scheduler: a daemon timer hands the task over again when the earliest
    failed delivery comes due (the cron round `manage.py events afleveren` does this in production)."""
    global _timer
    due = delivery.next_due()
    if due is None:
        return
    seconds = max(1.0, (due - timezone.now()).total_seconds())
    with _timer_lock:
        if _timer is not None and _timer.is_alive():
            _timer.cancel()
        _timer = threading.Timer(seconds, _hand_over)
        _timer.daemon = True
        _timer.start()


def _hand_over() -> None:
    from toegang.common import jobs

    jobs.enqueue(kick)
