"""The functional administrator's event screens after the review (findings 8, 11, 12 and 13): input that is
too long is refused by the server, never cut off by the browser; a duplicate subscription is refused; the
new secret appears only in the answer to the POST (not in the session, not cached); deactivating asks first;
the delivery number is shown; all given-up deliveries of a subscription can be retried at once; retrying
keeps the list's filter; the list pages on to older deliveries."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import make_trajectory
from tests.querycount import page_queries
from tests.test_events_delivery import fixed_dns  # noqa: F401 - autouse: no DNS lookups
from toegang.audit.models import AuditEntry
from toegang.common.errors import DomainError
from toegang.events import catalogue, delivery, keys, services
from toegang.events.models import Delivery, Subscription

URL = "https://ontvanger.example/hook"


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def subscribe(world, url=URL, types=(catalogue.PLAN_AGREED,), name="Zaaksysteem") -> Subscription:
    return services.create_subscription(actor=world.admin, name=name, callback_url=url, event_types=list(types))[0]


# --- finding 8: too long is refused, not cut off -------------------------------------------------------------


def test_the_form_lets_the_server_judge_the_length(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("events-subscriptions")).content.decode()
    for name in ("name", "callback_url"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert "maxlength" not in tag, tag  # a browser would cut a longer paste off and save another address
    long_url = "https://ontvanger.example/" + "x" * 600
    response = client.post(
        reverse("events-subscriptions"),
        {"name": "Zaaksysteem", "callback_url": long_url, "event_types": [catalogue.PLAN_AGREED]},
    )
    assert response.status_code == 400
    assert "Callback-URL: het adres is langer dan 500 tekens." in response.content.decode()
    response = client.post(
        reverse("events-subscriptions"),
        {"name": "n" * 101, "callback_url": URL, "event_types": [catalogue.PLAN_AGREED]},
    )
    assert response.status_code == 400 and "Naam: hoogstens 100 tekens." in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_long_url_wraps_in_the_table(client, world):
    long_url = "https://ontvanger.example/" + "x" * 470
    subscribe(world, url=long_url)
    client.force_login(world.admin)
    page = client.get(reverse("events-subscriptions")).content.decode()
    assert f'<code class="utrecht-url-data">{long_url}</code>' in page  # overflow-wrap: anywhere (Utrecht CSS)


# --- finding 11: duplicates -------------------------------------------------------------------------------------


def test_a_duplicate_subscription_is_refused_naming_the_field(world):
    subscribe(world, types=(catalogue.PLAN_AGREED, catalogue.DECISION_TAKEN), name="A")
    for url, types, message in [
        (URL, (catalogue.DECISION_TAKEN, catalogue.PLAN_AGREED), "stuurt al dezelfde soorten naar dit adres"),
        ("HTTPS://Ontvanger.Example/hook", (catalogue.PLAN_AGREED,), "een deel van deze soorten"),
    ]:
        with pytest.raises(DomainError, match=re.escape(message)) as error:
            subscribe(world, url=url, types=types, name="B")
        assert error.value.field == "callback_url" and "'A'" in error.value.message
    assert subscribe(world, types=(catalogue.SIGNAL_RECEIVED,), name="C")  # other types to the same address
    assert subscribe(world, url=URL + "/2", name="D")  # the same types to another address
    assert Subscription.objects.count() == 3


def test_after_deactivating_the_same_subscription_can_be_made_again(world):
    first = subscribe(world)
    services.deactivate_subscription(actor=world.admin, subscription=first)
    assert subscribe(world).active


# --- finding 12: the secret is never kept in the session ---------------------------------------------------------


def test_the_new_secret_is_shown_in_the_answer_and_kept_nowhere_readable(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("events-subscriptions"),
        {"name": "Zaaksysteem", "callback_url": URL, "event_types": [catalogue.PLAN_AGREED]},
    )
    secret = keys.decrypt(Subscription.objects.get().secret_encrypted)
    assert response.status_code == 200 and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    for session in Session.objects.all():  # what a database dump would show
        assert secret not in str(session.get_decoded()) and secret not in session.session_data
    assert secret not in client.get(reverse("events-subscriptions")).content.decode()
    again = client.post(  # the browser's "send again" after a reload makes no second subscription
        reverse("events-subscriptions"),
        {"name": "Zaaksysteem", "callback_url": URL, "event_types": [catalogue.PLAN_AGREED]},
    )
    assert again.status_code == 400 and "stuurt al dezelfde soorten" in again.content.decode()


# --- finding 13: confirmation, numbers, retry all, the filter, paging ------------------------------------------


def test_deactivating_asks_first(client, world):
    subscription = subscribe(world, types=list(catalogue.TYPES))
    make_trajectory(world)
    delivery.fan_out()
    client.force_login(world.admin)
    list_page = client.get(reverse("events-subscriptions")).content.decode()
    confirm_url = reverse("events-subscription-deactivate", args=[subscription.pk])
    assert f'href="{confirm_url}"' in list_page and f'action="{confirm_url}"' not in list_page
    page = client.get(confirm_url)
    text = page.content.decode()
    assert page.status_code == 200 and "1 aflevering die nog wacht wordt opgegeven." in text
    assert "Dit kan niet ongedaan worden gemaakt." in text and "Ja, deactiveren" in text
    subscription.refresh_from_db()
    assert subscription.active
    assert client.post(confirm_url).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active and Delivery.objects.get().state == Delivery.State.GIVEN_UP
    # opened again (a bookmark, the back button): it says so, and asks nothing
    text = client.get(confirm_url).content.decode()
    assert f"Abonnement {subscription.name} is gedeactiveerd" in text
    assert f"{subscription.deactivated_at.astimezone(AMSTERDAM):%d-%m-%Y %H:%M}" in text
    assert "Ja, deactiveren" not in text and "niet ongedaan" not in text


def test_a_refused_subscription_lists_what_to_correct_at_the_top(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("events-subscriptions"), {"name": "", "callback_url": "geen adres"})
    text = response.content.decode()
    assert response.status_code == 400 and "<title>Fout: Abonnementen op gebeurtenissen" in text
    summary = text.split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_name"' in summary and 'href="#id_event_types"' in summary
    assert 'id="id_event_types"' in text  # the group of checkboxes the link goes to
    assert not Subscription.objects.exists()


def given_up(world, n: int, subscription: Subscription) -> list[Delivery]:
    for _k in range(n):
        make_trajectory(world)
    delivery.fan_out()
    Delivery.objects.filter(subscription=subscription).update(
        state=Delivery.State.GIVEN_UP, attempts=12, last_error="HTTP 503 Service Unavailable", last_status=503
    )
    return list(Delivery.objects.filter(subscription=subscription).order_by("pk"))


def test_all_given_up_deliveries_of_a_subscription_are_retried_at_once(client, world):
    down = subscribe(world, types=[catalogue.TRAJECTORY_STARTED], name="Zaaksysteem")
    other = subscribe(world, url=URL + "/ander", types=[catalogue.TRAJECTORY_STARTED], name="Warehouse")
    rows = given_up(world, 3, down)
    Delivery.objects.filter(subscription=other).update(state=Delivery.State.GIVEN_UP)
    client.force_login(world.admin)
    page = client.get(reverse("events-deliveries") + "?stand=opgegeven").content.decode()
    for row in rows:  # the number the receiver gets as Toegang-Delivery
        assert re.search(rf'<td class="utrecht-table__cell utrecht-table__cell--numeric-column">{row.pk}</td>', page)
    assert "Alle opgegeven afleveringen van Zaaksysteem opnieuw proberen" in page
    response = client.post(reverse("events-deliveries"), {"abonnement": down.pk, "stand": "opgegeven"})
    assert response.status_code == 302 and response.url == reverse("events-deliveries") + "?stand=opgegeven"
    assert list(Delivery.objects.filter(subscription=down).values_list("state", "attempts").distinct()) == [
        (Delivery.State.WAITING, 0)
    ]
    assert set(Delivery.objects.filter(subscription=other).values_list("state", flat=True)) == {"opgegeven"}
    assert AuditEntry.objects.filter(object_type="subscription", detail="3 opgegeven afleveringen opnieuw").count() == 1
    follow = client.get(response.url).content.decode()
    assert "3 opgegeven afleveringen van Zaaksysteem worden opnieuw geprobeerd." in follow
    nothing = client.post(reverse("events-deliveries"), {"abonnement": down.pk}, follow=True).content.decode()
    assert "dit abonnement heeft geen opgegeven afleveringen" in nothing


def test_retrying_one_delivery_keeps_the_filter(client, world):
    subscription = subscribe(world, types=[catalogue.TRAJECTORY_STARTED])
    (row,) = given_up(world, 1, subscription)
    client.force_login(world.admin)
    response = client.post(reverse("events-delivery-retry", args=[row.pk]), {"stand": "opgegeven"})
    assert response.status_code == 302 and response.url == reverse("events-deliveries") + "?stand=opgegeven"
    bad = client.post(reverse("events-delivery-retry", args=[row.pk]), {"stand": "<script>"})
    assert bad.url == reverse("events-deliveries")  # an unknown filter is dropped, not echoed


def test_the_list_pages_on_to_older_deliveries(client, world):
    subscription = subscribe(world, types=[catalogue.TRAJECTORY_STARTED])
    from toegang.events.models import Event

    events = Event.objects.bulk_create(
        Event(type=catalogue.TRAJECTORY_STARTED, source="x", subject=f"traject/{k}", municipality=world.gemeente)
        for k in range(105)
    )
    Delivery.objects.bulk_create(Delivery(event=e, subscription=subscription) for e in events)
    ids = sorted(Delivery.objects.values_list("pk", flat=True), reverse=True)
    client.force_login(world.admin)
    first = client.get(reverse("events-deliveries")).content.decode()
    assert first.count('scope="row"') == 100 and f"voor={ids[99]}" in first
    second = client.get(reverse("events-deliveries") + f"?voor={ids[99]}").content.decode()
    assert second.count('scope="row"') == 5 and "Oudere afleveringen" not in second
    assert f">{ids[100]}</td>" in second and f">{ids[99]}</td>" not in second
    assert page_queries(client, reverse("events-deliveries") + f"?voor={ids[99]}", audit_rows=0) == 5


def test_the_deactivation_page_has_a_pinned_query_count(client, world):
    subscription = subscribe(world, types=list(catalogue.TYPES))
    for _n in range(3):
        make_trajectory(world)
    delivery.fan_out()
    client.force_login(world.admin)
    url = reverse("events-subscription-deactivate", args=[subscription.pk])
    # session, user, second factor, the subscription, how many deliveries wait
    assert page_queries(client, url, audit_rows=0) == 5
    services.deactivate_subscription(actor=world.admin, subscription=subscription)
    assert page_queries(client, url, audit_rows=0) == 4  # deactivated: nothing waits any more
