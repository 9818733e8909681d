"""The ZGW app's background task (common/jobs.py decides where it runs; docs/zgw.md)."""

from __future__ import annotations

from celery import shared_task

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.zgw import registration


@shared_task(name="toegang.zgw.register", ignore_result=True)
def register() -> None:
    """Send the registrations that are due (new ones and retries that came due)."""
    registration.register_due(max_seconds=50)


class _WithoutPublishRetries:
    """``register`` as common/jobs.py hands it over: to the broker once, without Celery's publish retries, so
    that a request is never held up by a broker that is down (the periodic round picks the rows up)."""

    name = "toegang.zgw.register"

    def delay(self) -> None:
        register.apply_async(retry_policy={"max_retries": 0})

    def __call__(self) -> None:
        register()


kick = _WithoutPublishRetries()
