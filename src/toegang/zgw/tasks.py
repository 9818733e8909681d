"""The ZGW app's background task (common/jobs.py decides where it runs; docs/zgw.md).

Every commit that wrote a registration hands the task over. Retries that come due later are picked up by the
periodic round: Celery beat or cron (`manage.py zgw registreren`) in production, and in the embedded default
(`make run`, ``WORKER = "thread"``) the schedule of common/jobs.py, registered in apps.py with
``registration.next_due``; that schedule also picks up, after a restart, what was pending before it."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.zgw import registration


@shared_task(name="toegang.zgw.register", ignore_result=True)
def register() -> None:
    """Send the registrations that are due (new ones and retries that came due)."""
    registration.register_due(max_seconds=50)
    if settings.WORKER == "thread":
        from toegang.common import jobs

        jobs.wake()  # the schedule looks again at when the next retry is due


class _WithoutPublishRetries:
    """``register`` as common/jobs.py hands it over: to the broker once, without Celery's publish retries, so
    that a request is never held up by a broker that is down (the periodic round picks the rows up)."""

    name = "toegang.zgw.register"

    def delay(self) -> None:
        register.apply_async(retry_policy={"max_retries": 0})

    def __call__(self) -> None:
        register()


kick = _WithoutPublishRetries()
