"""Reads of the events app for the functional administrator's screens: only their own municipality."""

from __future__ import annotations

from django.db.models import QuerySet

from toegang.accounts.models import User
from toegang.events.models import Delivery, Event, Subscription

RECENT = 50
PAGE = 100  # deliveries per page of the list; older ones follow with ?voor=<number>


def administers(user: User) -> bool:
    return user.is_active and user.role == User.Role.FUNCTIONAL_ADMIN and user.municipality_id is not None


def subscriptions_of(municipality_id: int) -> QuerySet[Subscription]:
    return Subscription.objects.filter(municipality_id=municipality_id)


def deliveries_of(municipality_id: int) -> QuerySet[Delivery]:
    return Delivery.objects.filter(subscription__municipality_id=municipality_id)


def recent_events(municipality_id: int) -> list[Event]:
    return list(Event.objects.filter(municipality_id=municipality_id).order_by("-time")[:RECENT])


def recent_deliveries(
    municipality_id: int, state: str | None = None, *, before_id: int | None = None
) -> list[Delivery]:
    """Up to PAGE + 1 deliveries, newest first (the extra one tells that there are older ones), those with
    a number below ``before_id`` when given (keyset: the next page starts where this one ended)."""
    deliveries = deliveries_of(municipality_id)
    if state:
        deliveries = deliveries.filter(state=state)
    if before_id is not None:
        deliveries = deliveries.filter(id__lt=before_id)
    return list(deliveries.select_related("event", "subscription").order_by("-id")[: PAGE + 1])


def pending_count(subscription: Subscription) -> int:
    """How many of the subscription's deliveries still wait (given up when it is deactivated)."""
    return Delivery.objects.filter(
        subscription=subscription, state__in=[Delivery.State.WAITING, Delivery.State.FAILED]
    ).count()
