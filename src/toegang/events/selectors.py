"""Reads of the events app for the functional administrator's screens: only their own municipality."""

from __future__ import annotations

from django.db.models import QuerySet

from toegang.accounts.models import User
from toegang.events.models import Delivery, Event, Subscription

RECENT = 50


def administers(user: User) -> bool:
    return user.is_active and user.role == User.Role.FUNCTIONAL_ADMIN and user.municipality_id is not None


def subscriptions_of(municipality_id: int) -> QuerySet[Subscription]:
    return Subscription.objects.filter(municipality_id=municipality_id)


def deliveries_of(municipality_id: int) -> QuerySet[Delivery]:
    return Delivery.objects.filter(subscription__municipality_id=municipality_id)


def recent_events(municipality_id: int) -> list[Event]:
    return list(Event.objects.filter(municipality_id=municipality_id).order_by("-time")[:RECENT])


def recent_deliveries(municipality_id: int, state: str | None = None) -> list[Delivery]:
    deliveries = deliveries_of(municipality_id)
    if state:
        deliveries = deliveries.filter(state=state)
    return list(deliveries.select_related("event", "subscription").order_by("-id")[: RECENT * 2])
