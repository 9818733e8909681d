"""The functional administrator's screens: subscriptions (list, create, deactivate after a confirmation)
and the recent events and deliveries with their state, with "Opnieuw proberen" for a given-up delivery and
for all given-up deliveries of a subscription at once. No client data."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from toegang.accounts.models import User
from toegang.common.errors import DomainError
from toegang.common.forms import UtrechtForm
from toegang.common.views import current_user, submitted
from toegang.events import catalogue, selectors, services
from toegang.events.models import Delivery, Subscription


class SubscriptionForm(UtrechtForm):
    # No max_length here: a browser would cut a longer paste off silently (maxlength) and save another
    # address; the service refuses what is too long with a message naming the field.
    name = forms.CharField(label="Naam", help_text="Bijvoorbeeld de applicatie die de gebeurtenissen ontvangt.")
    callback_url = forms.CharField(
        label="Callback-URL", help_text="Het https-adres waarop de ontvanger POST-verzoeken aanneemt."
    )
    event_types = forms.MultipleChoiceField(
        label="Soorten gebeurtenissen", choices=catalogue.CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "callback_url"):
            self.fields[name].widget.attrs.pop("maxlength", None)  # the server judges the length, with a message


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
    """The list and the form. A new subscription's secret is shown in the answer to the POST itself, never
    kept in the session (a database dump must not reveal it), and that answer is not cached."""
    user, municipality_id = _admin(request)
    form = SubscriptionForm()
    status = 200
    made: dict[str, str] = {}
    if request.method == "POST":
        form = SubscriptionForm(request.POST)

        def create(data: dict[str, object]) -> None:
            subscription, secret = services.create_subscription(actor=user, **data)  # type: ignore[arg-type]
            made.update(name=subscription.name, secret=secret)

        if submitted(request, form, create):
            form = SubscriptionForm()
        else:
            status = 400
    response = render(
        request,
        "events/subscriptions.html",
        {
            "subscriptions": [
                _labelled(s) for s in selectors.subscriptions_of(municipality_id).order_by("-active", "name", "pk")
            ],
            "form": form,
            "new": made or None,
        },
        status=status,
    )
    if made:
        add_never_cache_headers(response)  # Cache-Control: no-store, …: the secret stays out of every cache
    return response


def deactivate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """GET: what deactivating means, with the button; POST: deactivate (it cannot be undone)."""
    user, municipality_id = _admin(request)
    subscription = selectors.subscriptions_of(municipality_id).filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404
    if request.method == "POST":
        try:
            services.deactivate_subscription(actor=user, subscription=subscription)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Abonnement {subscription.name} gedeactiveerd.")
        return redirect("events-subscriptions")
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request,
        "events/deactivate.html",
        {
            "subscription": _labelled(subscription),
            "waiting": selectors.pending_count(subscription) if subscription.active else 0,
        },
    )


def _state(value: str | None) -> str | None:
    return value if value in Delivery.State.values else None


def _back_to_deliveries(request: HttpRequest) -> HttpResponse:
    """Back to the list the administrator came from, with its state filter."""
    state = _state(request.POST.get("stand"))
    url = reverse("events-deliveries")
    return redirect(url + ("?" + urlencode({"stand": state}) if state else ""))


def deliveries(request: HttpRequest) -> HttpResponse:
    """GET: the recent deliveries (filter ``stand``, older ones with ``voor``) and events. POST
    (``abonnement``): try all given-up deliveries of that subscription again."""
    user, municipality_id = _admin(request)
    if request.method == "POST":
        try:
            subscription_id = int(request.POST.get("abonnement", ""))
        except ValueError:
            raise Http404 from None
        subscription = selectors.subscriptions_of(municipality_id).filter(pk=subscription_id).first()
        if subscription is None:
            raise Http404
        try:
            count = services.retry_given_up(actor=user, subscription=subscription)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            what = "opgegeven aflevering van {} wordt" if count == 1 else "opgegeven afleveringen van {} worden"
            messages.success(request, f"{count} {what.format(subscription.name)} opnieuw geprobeerd.")
        return _back_to_deliveries(request)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    state = _state(request.GET.get("stand"))
    before = request.GET.get("voor", "")
    before_id = int(before) if before.isdigit() and 0 < int(before) < 2**63 else None
    rows = selectors.recent_deliveries(municipality_id, state, before_id=before_id)
    page, more = rows[: selectors.PAGE], len(rows) > selectors.PAGE
    given_up_of: dict[int, Subscription] = {
        d.subscription_id: d.subscription for d in page if d.state == Delivery.State.GIVEN_UP and d.subscription.active
    }
    return render(
        request,
        "events/deliveries.html",
        {
            "events": [(event, catalogue.label(event.type)) for event in selectors.recent_events(municipality_id)],
            "deliveries": page,
            "older": urlencode({**({"stand": state} if state else {}), "voor": page[-1].pk}) if more else None,
            "before": before_id,
            "given_up_of": sorted(given_up_of.values(), key=lambda s: (s.name, s.pk)),
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
        messages.success(request, f"Aflevering {found.pk} wordt opnieuw geprobeerd.")
    return _back_to_deliveries(request)
