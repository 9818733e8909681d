"""Reads of the audit log for the privacy officer: who saw person X, what did user Y see."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from toegang.audit.models import AuditEntry

PAGE_SIZE = 100


def _period(qs: QuerySet[AuditEntry], start: dt.date | None, end: dt.date | None) -> QuerySet[AuditEntry]:
    tz = timezone.get_current_timezone()
    if start is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end is not None:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs


def _page(qs: QuerySet[AuditEntry], before: int | None) -> tuple[list[AuditEntry], int | None]:
    """Newest first, keyset-paged on id: the rows and the id to continue before (None on the last page)."""
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].id if more else None)


def entries_about_person(
    *, person_id: int, start: dt.date | None = None, end: dt.date | None = None, before: int | None = None
) -> tuple[list[AuditEntry], int | None]:
    qs = AuditEntry.objects.filter(subjects__person_id=person_id).select_related("actor")
    return _page(_period(qs, start, end), before)


def entries_by_user(
    *, username: str, start: dt.date | None = None, end: dt.date | None = None, before: int | None = None
) -> tuple[list[AuditEntry], int | None]:
    qs = AuditEntry.objects.filter(actor_name=username).prefetch_related("subjects")
    return _page(_period(qs, start, end), before)
