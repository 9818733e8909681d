"""The ZGW app's background task (common/jobs.py decides where it runs; docs/zgw.md)."""

from __future__ import annotations

import threading

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.zgw import registration


@shared_task(name="toegang.zgw.register", ignore_result=True)
def register() -> None:
    """Send the registrations that are due (new ones and retries that came due)."""
    registration.register_due(max_seconds=50)
    if settings.WORKER == "thread":
        _retry_later()


class _WithoutPublishRetries:
    """``register`` as common/jobs.py hands it over: to the broker once, without Celery's publish retries, so
    that a request is never held up by a broker that is down (the periodic round picks the rows up)."""

    name = "toegang.zgw.register"

    def delay(self) -> None:
        register.apply_async(retry_policy={"max_retries": 0})

    def __call__(self) -> None:
        register()


kick = _WithoutPublishRetries()


_timer_lock = threading.Lock()
_timer: threading.Timer | None = None


def _retry_later() -> None:
    """The embedded default (`make run`) has no scheduler: a daemon timer hands the task over again when the
    earliest pending registration comes due (beat or cron `manage.py zgw registreren` do this in production)."""
    global _timer
    due = registration.next_due()
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
