"""Reads of the ZGW app for the functional administrator's screen (no client data: ids, states, URLs)."""

from __future__ import annotations

from django.db.models import QuerySet

from toegang.zgw.models import Configuration, Registration


def configuration_of(municipality_id: int) -> Configuration | None:
    return (
        Configuration.objects.select_related("zaken_service", "besluiten_service")
        .filter(municipality_id=municipality_id)
        .first()
    )


def registrations_of(municipality_id: int, state: str | None = None, limit: int = 200) -> QuerySet[Registration]:
    rows = Registration.objects.filter(municipality_id=municipality_id)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-id")[:limit]
