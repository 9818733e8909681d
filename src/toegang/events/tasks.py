"""The events app's background task (common/jobs.py decides where it runs; docs/events.md)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.events import delivery

logger = logging.getLogger(__name__)


@shared_task(name="toegang.events.deliver", ignore_result=True)
def deliver() -> None:
    """Deliver what is due. In the Celery worker one batch per task: when the batch is full the task first
    queues its successor, so the worker's processes share a long queue; elsewhere (the embedded thread,
    tests) it delivers everything due. In the embedded thread, common/jobs.py's schedule hands it over
    again when the next retry comes due (``jobs.recurring``, registered in apps.py)."""
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
        from toegang.common import jobs

        jobs.wake()  # the schedule looks again at when the next retry comes due


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
