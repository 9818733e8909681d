"""Sending the outbox (docs/events.md, "Aflevering").

``deliver_due()`` first turns new events into deliveries (one per matching active subscription of the
event's municipality), then claims due deliveries in batches and posts each as a structured-mode
CloudEvent (``application/cloudevents+json``), signed with the subscription's secret. A 2xx answer
delivers it; anything else (another status, a timeout, no connection) counts as a failed attempt, retried
after an exponential backoff with jitter, and given up after EVENTS_MAX_ATTEMPTS attempts.

Concurrency: a batch is claimed with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has a single
writer) and leased by moving its next attempt past the time the batch may take, in a transaction of its
own; the HTTP requests run after that transaction, so no lock is held while a receiver is slow and two
workers never send the same delivery at the same time. A worker that dies mid-batch leaves its
deliveries to come due again when the lease ends (at-least-once: receivers deduplicate on the event id).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from toegang.events import keys
from toegang.events.models import Delivery, Event, Subscription

logger = logging.getLogger(__name__)

PENDING = (Delivery.State.WAITING, Delivery.State.FAILED)
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
USER_AGENT = "Toegang-webhooks/1.0"
MAX_BODY = 64 * 1024  # of a receiver's answer, read to keep the connection for the next request


@dataclass
class Outcome:
    delivered: int = 0
    failed: int = 0
    given_up: int = 0
    deferred: int = 0

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.given_up

    def add(self, other: Outcome) -> None:
        self.delivered += other.delivered
        self.failed += other.failed
        self.given_up += other.given_up
        self.deferred += other.deferred


# --- the CloudEvent ---------------------------------------------------------------------------------------


def envelope(event: Event, municipality_code: str | None) -> dict[str, Any]:
    """The structured-mode CloudEvents 1.0 JSON object of an event."""
    return {
        "specversion": "1.0",
        "id": str(event.id),
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": {**event.data, "gemeente": municipality_code},
    }


def body(event: Event, municipality_code: str | None) -> bytes:
    return json.dumps(envelope(event, municipality_code), ensure_ascii=False, separators=(",", ":")).encode()


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: base × 2^(attempts-1), capped, plus up to
    EVENTS_RETRY_JITTER of it at random (so receivers that come back are not hit by everyone at once)."""
    nominal = min(settings.EVENTS_RETRY_BASE_SECONDS * 2 ** (attempts - 1), settings.EVENTS_RETRY_CAP_SECONDS)
    return dt.timedelta(seconds=nominal * (1 + random.uniform(0, settings.EVENTS_RETRY_JITTER)))  # noqa: S311


# --- fan-out and claiming ---------------------------------------------------------------------------------


def fan_out(*, chunk: int = 2000) -> int:
    """Make the deliveries of events not yet dispatched; returns how many deliveries were made."""
    made = 0
    while True:
        with transaction.atomic():
            events = list(
                Event.objects.filter(dispatched=False)
                .order_by("time")
                .select_for_update(skip_locked=True)
                .values_list("id", "type", "municipality_id")[:chunk]
            )
            if not events:
                return made
            subscriptions: dict[int, list[tuple[int, set[str]]]] = defaultdict(list)
            for pk, municipality_id, types in Subscription.objects.filter(
                active=True, municipality_id__in={m for _i, _t, m in events if m is not None}
            ).values_list("id", "municipality_id", "event_types"):
                subscriptions[municipality_id].append((pk, set(types)))
            now = timezone.now()
            deliveries = [
                Delivery(event_id=event_id, subscription_id=pk, next_attempt_at=now)
                for event_id, event_type, municipality_id in events
                if municipality_id is not None
                for pk, types in subscriptions.get(municipality_id, [])
                if event_type in types
            ]
            Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
            Event.objects.filter(id__in=[e[0] for e in events]).update(dispatched=True)
            made += len(deliveries)


def claim(size: int | None = None) -> list[Delivery]:
    """Up to ``size`` due deliveries, leased to this worker (their next attempt moved past the batch)."""
    size = size or settings.EVENTS_BATCH_SIZE
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(state__in=PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        Delivery.objects.filter(id__in=ids).update(
            next_attempt_at=now + dt.timedelta(seconds=settings.EVENTS_LEASE_SECONDS)
        )
    return list(
        Delivery.objects.filter(id__in=ids)
        .select_related("event__municipality", "subscription")
        .order_by("event__time", "id")
    )


# --- sending ----------------------------------------------------------------------------------------------

_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive session per thread and process (a forked Celery child makes its own)."""
    session = getattr(_local, "session", None)
    if session is None or getattr(_local, "pid", None) != os.getpid():
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False  # no proxy from the environment for webhooks
        _local.session, _local.pid = session, os.getpid()
    return session


def _post(url: str, payload: bytes, headers: dict[str, str]) -> tuple[int | None, str, bool]:
    """(status, error, receiver unreachable): one POST with the timeout, no redirects followed."""
    timeout = settings.EVENTS_TIMEOUT_SECONDS
    try:
        response = _session().post(
            url, data=payload, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        )
    except requests.Timeout:
        return None, f"Geen antwoord binnen {timeout:g} s.", True
    except requests.ConnectionError as error:
        return None, f"Geen verbinding: {type(error).__name__}.", True
    except requests.RequestException as error:
        return None, f"Verzenden mislukt: {type(error).__name__}.", False
    answer = b""
    try:
        for part in response.iter_content(4096):
            if len(answer) < 300:
                answer += part
            if len(answer) >= MAX_BODY:
                break
    except requests.RequestException:
        pass  # the status is what counts
    finally:
        response.close()
    if 200 <= response.status_code < 300:
        return response.status_code, "", False
    text = answer[:200].decode("utf-8", "replace").strip()
    return response.status_code, f"HTTP {response.status_code}" + (f": {text}" if text else ""), False


def send(batch: list[Delivery]) -> Outcome:
    """Post each claimed delivery and record the outcomes. After a timeout or connection failure the rest
    of that subscription's deliveries in this batch wait for the next round (one slow receiver does not
    hold up the others for batch × timeout)."""
    outcome = Outcome()
    secrets: dict[int, str | None] = {}
    delivered: dict[int, list[int]] = defaultdict(list)  # status -> ids
    failed: list[Delivery] = []
    deferred: list[int] = []
    unreachable: set[int] = set()
    for item in batch:
        subscription = item.subscription
        if subscription.pk in unreachable:
            deferred.append(item.pk)
            continue
        now = timezone.now()
        item.last_attempt_at = now
        item.attempts += 1
        if not subscription.active:
            status, error, down = None, "Abonnement gedeactiveerd.", False
            item.attempts = settings.EVENTS_MAX_ATTEMPTS
        else:
            if subscription.pk not in secrets:
                try:
                    secrets[subscription.pk] = keys.decrypt(subscription.secret_encrypted)
                except keys.UnreadableSecret:
                    secrets[subscription.pk] = None
            secret = secrets[subscription.pk]
            if secret is None:
                status, down = None, False
                error = "Het geheim is niet te lezen (sleutel gewijzigd?); maak het abonnement opnieuw."
            else:
                municipality = item.event.municipality
                payload = body(item.event, municipality.code if municipality else None)
                headers = {
                    "Content-Type": CONTENT_TYPE,
                    keys.SIGNATURE_HEADER: keys.signature(secret, int(time.time()), payload),
                    "Toegang-Delivery": str(item.pk),
                    "Toegang-Attempt": str(item.attempts),
                }
                status, error, down = _post(subscription.callback_url, payload, headers)
        if status is not None and 200 <= status < 300:
            delivered[status].append(item.pk)
            continue
        if down:
            unreachable.add(subscription.pk)
        item.last_status = status
        item.last_error = error[:500]
        if item.attempts >= settings.EVENTS_MAX_ATTEMPTS:
            item.state = Delivery.State.GIVEN_UP
            outcome.given_up += 1
            logger.error(  # the receiver's answer stays on the screen; the log names only what went wrong
                "Aflevering %s aan abonnement %s opgegeven na %s pogingen (laatste: %s)",
                item.pk, subscription.pk, item.attempts, f"HTTP {status}" if status else "niet bereikbaar",
            )  # fmt: skip
        else:
            item.state = Delivery.State.FAILED
            item.next_attempt_at = now + backoff(item.attempts)
            outcome.failed += 1
        failed.append(item)
    now = timezone.now()
    with transaction.atomic():
        for status, ids in delivered.items():
            Delivery.objects.filter(id__in=ids).update(
                state=Delivery.State.DELIVERED,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                delivered_at=now,
                last_status=status,
                last_error="",
            )
            outcome.delivered += len(ids)
        if failed:
            Delivery.objects.bulk_update(
                failed, ["state", "attempts", "next_attempt_at", "last_attempt_at", "last_status", "last_error"]
            )
        if deferred:
            Delivery.objects.filter(id__in=deferred).update(
                next_attempt_at=now + dt.timedelta(seconds=settings.EVENTS_RETRY_BASE_SECONDS)
            )
            outcome.deferred += len(deferred)
    return outcome


def deliver_due(*, max_seconds: float | None = None) -> Outcome:
    """Fan out new events, then send due deliveries batch after batch until none is due (or the time is
    up: the next round goes on). Used by the embedded worker, the tests and `manage.py events afleveren`."""
    started = time.monotonic()
    outcome = Outcome()
    fan_out()
    while max_seconds is None or time.monotonic() - started < max_seconds:
        batch = claim()
        if not batch:
            break
        outcome.add(send(batch))
    return outcome


def next_due() -> dt.datetime | None:
    """When the earliest pending delivery comes due (None when nothing is pending)."""
    return Delivery.objects.filter(state__in=PENDING).aggregate(first=Min("next_attempt_at"))["first"]
