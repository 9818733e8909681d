"""The Celery app of Toegang's background worker: `celery -A toegang.worker worker` (docs/operations.md).

Configured from the Django settings whose names start with CELERY_ (broker: CELERY_BROKER_URL). Tasks
live in each app's tasks.py and are found when the worker starts. Web processes hand jobs to it
through common/jobs.py, which decides whether a job goes to this worker at all (setting WORKER)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toegang.conf.settings")


def make_app(name: str = "toegang", **overrides: Any) -> Celery:
    """A Celery app configured from the Django settings (namespace CELERY), with ``overrides`` on top
    (the tests start a worker on their own broker database and queue)."""
    app = Celery(name)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update({f"CELERY_{key.upper()}": value for key, value in overrides.items()})  # as the settings name them
    app.autodiscover_tasks()
    return app


app = make_app()
app.set_default()  # tasks sent from a web process go through this app
