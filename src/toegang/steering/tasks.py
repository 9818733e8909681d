"""Steering's background tasks (common/jobs.py decides where they run)."""

from __future__ import annotations

from celery import shared_task

from toegang import worker  # noqa: F401 - the application's Celery app, the default for sending
from toegang.steering import exports


@shared_task(name="toegang.steering.run_export", ignore_result=True)
def run_export(export_id: int) -> None:
    """Compute and write one time-series export (steering/exports.py); it records its own outcome."""
    exports.run(export_id)
