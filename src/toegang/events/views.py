"""The functional administrator's screens: subscriptions (list, create, deactivate) and the recent events
and deliveries with their state, with "Opnieuw proberen" for a given-up delivery. No client data."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.views import current_user, submitted
from toegang.events import catalogue, selectors, services
from toegang.events.models import Delivery, Subscription

NEW_SECRET = "events-new-secret"  # noqa: S105 - the session key, not a secret


class SubscriptionForm(UtrechtForm):
    name = forms.CharField(
        label="Naam", max_length=100, help_text="Bijvoorbeeld de applicatie die de gebeurtenissen ontvangt."
    )
    callback_url = forms.CharField(
        label="Callback-URL", max_length=500, help_text="Het https-adres waarop de ontvanger POST-verzoeken aanneemt."
    )
    event_types = forms.MultipleChoiceField(
        label="Soorten gebeurtenissen", choices=catalogue.CHOICES, widget=forms.CheckboxSelectMultiple
    )


def _labelled(subscription: Subscription) -> Subscription:
    subscription.type_labels = [catalogue.label(t) for t in subscription.event_types]  # type: ignore[attr-defined]
    return subscription


def _admin(request: HttpRequest) -> tuple[User, int]:
    """The functional administrator and their municipality; anyone else gets 403."""
    user = current_user(request)
    if not selectors.administers(user) or user.municipality_id is None:
        raise PermissionDenied("Abonnementen op gebeurtenissen beheert de functioneel beheerder van de gemeente.")
    return user, user.municipality_id


def subscriptions(request: HttpRequest) -> HttpResponse:
    user, municipality_id = _admin(request)
    form = SubscriptionForm()
    status = 200
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        made: dict[str, str] = {}

        def create(data: dict[str, object]) -> None:
            subscription, secret = services.create_subscription(actor=user, **data)  # type: ignore[arg-type]
            made.update(name=subscription.name, secret=secret)

        if submitted(request, form, create):
            request.session[NEW_SECRET] = made  # shown once, on the page the browser goes to next
            return redirect("events-subscriptions")
        status = 400
    return render(
        request,
        "events/subscriptions.html",
        {
            "subscriptions": [
                _labelled(s) for s in selectors.subscriptions_of(municipality_id).order_by("-active", "name", "pk")
            ],
            "form": form,
            "new": request.session.pop(NEW_SECRET, None) if NEW_SECRET in request.session else None,
        },
        status=status,
    )


@require_POST
def deactivate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    user, municipality_id = _admin(request)
    subscription = selectors.subscriptions_of(municipality_id).filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404
    try:
        services.deactivate_subscription(actor=user, subscription=subscription)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Abonnement {subscription.name} gedeactiveerd.")
    return redirect("events-subscriptions")


def deliveries(request: HttpRequest) -> HttpResponse:
    _user, municipality_id = _admin(request)
    state = request.GET.get("stand") or None
    if state not in (None, *Delivery.State.values):
        state = None
    return render(
        request,
        "events/deliveries.html",
        {
            "events": [(event, catalogue.label(event.type)) for event in selectors.recent_events(municipality_id)],
            "deliveries": selectors.recent_deliveries(municipality_id, state),
            "states": Delivery.State.choices,
            "state": state,
            "max_attempts": settings.EVENTS_MAX_ATTEMPTS,
        },
    )


@require_POST
def retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    user, municipality_id = _admin(request)
    found = selectors.deliveries_of(municipality_id).filter(pk=delivery_id).first()
    if found is None:
        raise Http404
    try:
        services.retry_delivery(actor=user, delivery=found)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "De aflevering wordt opnieuw geprobeerd.")
    return redirect("events-deliveries")
