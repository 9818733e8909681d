"""Sending the outbox (docs/events.md, "Aflevering").

``deliver_due()`` first turns new events into deliveries (one per matching active subscription of the
event's municipality), then claims due deliveries in batches and posts each as a structured-mode
CloudEvent (``application/cloudevents+json``), signed with the subscription's secret. A 2xx answer
delivers it; anything else (another status, no complete answer within the deadline, no connection, a
refused address) counts as a failed attempt, retried after an exponential backoff with jitter, and given
up after EVENTS_MAX_ATTEMPTS attempts.

Concurrency: a batch is claimed with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite has a single
writer) and leased by moving its next attempt to the end of the lease, in a transaction of its own; the
HTTP requests run after that transaction, so no lock is held while a receiver is slow. The lease is always
longer than the batch: no request starts later than one deadline (EVENTS_TIMEOUT_SECONDS, the most one
delivery may take, outbound.py) plus a margin before the lease ends; what is left then is released to the
next round. Each outcome is written as it comes in (within FLUSH_SECONDS, quick ones together), and only
while the lease is still this worker's (the row's next attempt is still the lease it set), so two workers
never send the same delivery at the same time and never overwrite each other. A worker that dies
mid-batch leaves its deliveries to come due again when the lease ends (at-least-once: receivers
deduplicate on the event id).

Lanes: the deliveries of one batch are sent per subscription, up to LANES subscriptions at the same time
(threads that only do HTTP; the database is written by the calling thread), one after the other within a
subscription. After a deadline passes, a refused address or no connection, the rest of that subscription's
deliveries in the batch wait as long as the failed one (its backoff): a slow receiver costs its own lane one
deadline and does not hold up the other receivers, and a receiver that is down is asked once per backoff, with
its oldest delivery, whose attempts (and so the wait) grow; the others keep their attempts for when it is back.
An unexpected error while sending one is its failed attempt (with backoff).

Errors: an outcome whose write fails is kept and written once more before ``send`` raises; the lanes then
start no further request (``cancel``), and only what they never started is due again at once. An outcome is
written only while the delivery is still pending: a deactivation (given up) during the request stands.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from toegang.events import keys, outbound
from toegang.events.models import Delivery, Event, Subscription

logger = logging.getLogger(__name__)

PENDING = (Delivery.State.WAITING, Delivery.State.FAILED)
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
USER_AGENT = outbound.USER_AGENT
MAX_BODY = outbound.MAX_BODY
LANES = outbound.LANES  # subscriptions sent to at the same time within one batch
MARGIN_SECONDS = 30.0  # between the deadline of the last request of a batch and the end of its lease
FLUSH_SECONDS = 0.2  # the longest an outcome waits to be written (outcomes that come fast are written together)


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


def lease_seconds() -> float:
    """How long a claimed batch is this worker's: EVENTS_LEASE_SECONDS, and always room for at least one
    delivery's deadline and the margin (``send`` starts no request that could outlast the lease)."""
    return max(float(settings.EVENTS_LEASE_SECONDS), settings.EVENTS_TIMEOUT_SECONDS + 2 * MARGIN_SECONDS)


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
            subscriptions: dict[int, list[tuple[int, set[str]]]] = {}
            for pk, municipality_id, types in Subscription.objects.filter(
                active=True, municipality_id__in={m for _i, _t, m in events if m is not None}
            ).values_list("id", "municipality_id", "event_types"):
                subscriptions.setdefault(municipality_id, []).append((pk, set(types)))
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
    """Up to ``size`` due deliveries, leased to this worker: their next attempt is moved to the end of the
    lease, the same moment for the whole batch, which ``send`` then checks before it writes an outcome."""
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
        Delivery.objects.filter(id__in=ids).update(next_attempt_at=now + dt.timedelta(seconds=lease_seconds()))
    return list(
        Delivery.objects.filter(id__in=ids)
        .select_related("event__municipality", "subscription")
        .order_by("event__time", "id")
    )


# --- sending ----------------------------------------------------------------------------------------------

SENT, DEFERRED, RELEASED = "sent", "deferred", "released"
INTERNAL_ERROR = "Interne fout bij verzenden."


@dataclass
class _Result:
    """What a lane did with one delivery: sent it (``answer``), deferred it (its receiver was slow or
    unreachable earlier in the batch) or released it (no time left in the lease or the round)."""

    item: Delivery
    kind: str
    answer: outbound.Answer | None = None
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    give_up: bool = False


def _lane(items: list[Delivery], send_by: float, cancel: threading.Event) -> Iterator[_Result]:
    """Send one subscription's deliveries of the batch in order, over one keep-alive session. No database:
    this may run in a thread of its own. No request starts once ``cancel`` is set (``send`` left by an
    error) or after ``send_by``; an error while sending one is that delivery's failed attempt, so it waits
    its backoff like any other (and the rest of the lane waits for a later round)."""
    client = outbound.session()
    secret: str | None = None
    stopped = False
    try:
        for item in items:
            if stopped:
                yield _Result(item, DEFERRED)
                continue
            if cancel.is_set() or time.monotonic() >= send_by:
                yield _Result(item, RELEASED)
                continue
            started = timezone.now()
            give_up = False
            try:
                subscription = item.subscription
                if not subscription.active:
                    answer, give_up = outbound.Answer(None, "Abonnement gedeactiveerd.", False), True
                else:
                    if secret is None:
                        try:
                            secret = keys.decrypt(subscription.secret_encrypted)
                        except keys.UnreadableSecret:
                            secret = ""
                    if not secret:
                        error = "Het geheim is niet te lezen (sleutel gewijzigd?); maak het abonnement opnieuw."
                        answer = outbound.Answer(None, error, False)
                    else:
                        municipality = item.event.municipality
                        payload = body(item.event, municipality.code if municipality else None)
                        headers = {
                            "Content-Type": CONTENT_TYPE,
                            keys.SIGNATURE_HEADER: keys.signature(secret, int(time.time()), payload),
                            "Toegang-Delivery": str(item.pk),
                            "Toegang-Attempt": str(item.attempts + 1),
                        }
                        answer = outbound.post(client, subscription.callback_url, payload, headers)
            except Exception:  # noqa: BLE001 - this delivery's failed attempt (with its backoff), never a hot loop
                logger.exception("Aflevering %s aan abonnement %s: interne fout", item.pk, item.subscription_id)
                answer = outbound.Answer(None, INTERNAL_ERROR, True)
            yield _Result(item, SENT, answer, started, timezone.now(), give_up)
            stopped = answer.stop
    finally:
        client.close()


OUTCOME_FIELDS = [
    "state",
    "attempts",
    "next_attempt_at",
    "last_attempt_at",
    "last_status",
    "last_error",
    "delivered_at",
]


class _Outcomes:
    """The outcomes of a batch as they come in, written within FLUSH_SECONDS of the first unwritten one (a
    few at a time when receivers answer fast, one at a time when they are slow), each only while its lease
    is still this worker's: the row's next attempt is still the end of the lease that ``claim`` set."""

    def __init__(self) -> None:
        self.outcome = Outcome()
        self.unwritten: list[tuple[dt.datetime, Delivery]] = []  # (lease, delivery with its outcome set)
        self.since: float | None = None
        # not attempted: (delivery, when due again: a moment, or seconds from when they are put back)
        self.later: list[tuple[Delivery, dt.datetime | float]] = []
        # a receiver that stopped its lane (no connection, no answer in time): when its failed delivery is due again
        self.stopped_until: dict[int, dt.datetime] = {}

    def add(self, result: _Result) -> None:
        item = result.item
        if result.kind != SENT:
            due: dt.datetime | float = 0.0
            if result.kind == DEFERRED:  # with the delivery that stopped the lane, else after the base wait
                due = self.stopped_until.get(item.subscription_id, settings.EVENTS_RETRY_BASE_SECONDS)
            self.later.append((item, due))
            self.outcome.deferred += 1
            return
        answer, started, finished = result.answer, result.started, result.finished
        assert answer is not None and started is not None and finished is not None  # noqa: S101 - a sent result has them
        lease = item.next_attempt_at
        if not result.give_up:  # a deactivated subscription: given up without an attempt
            item.attempts += 1
        item.last_attempt_at, item.last_status, item.last_error = started, answer.status, answer.error[:500]
        item.next_attempt_at = finished
        if answer.status is not None and 200 <= answer.status < 300:
            item.state, item.delivered_at = Delivery.State.DELIVERED, finished
            self.outcome.delivered += 1
        elif result.give_up or item.attempts >= settings.EVENTS_MAX_ATTEMPTS:
            item.state = Delivery.State.GIVEN_UP
            self.outcome.given_up += 1
            logger.error(  # the screen shows the status line; the log names only what went wrong
                "Aflevering %s aan abonnement %s opgegeven na %s pogingen (laatste: %s)",
                item.pk, item.subscription_id, item.attempts,
                f"HTTP {answer.status}" if answer.status else "niet bereikbaar",
            )  # fmt: skip
        else:
            item.state, item.next_attempt_at = Delivery.State.FAILED, finished + backoff(item.attempts)
            self.outcome.failed += 1
            if answer.stop:  # the receiver is unreachable: its other deliveries wait as long as this one
                self.stopped_until[item.subscription_id] = item.next_attempt_at
        self.unwritten.append((lease, item))
        if self.since is None:
            self.since = time.monotonic()

    def wait(self) -> float | None:
        """Seconds until the unwritten outcomes are due to be written (None: nothing unwritten)."""
        return None if self.since is None else max(0.0, self.since + FLUSH_SECONDS - time.monotonic())

    def write(self) -> None:
        """One UPDATE per outcome, sent together (executemany, in one transaction). Written out rather than
        with ``bulk_update``: its CASE per field and row cost more than the HTTP requests themselves."""
        if not self.unwritten:
            return
        rows, self.unwritten, self.since = self.unwritten, [], None
        quote, ops = connection.ops.quote_name, connection.ops
        columns = {field.name: str(field.column) for field in Delivery._meta.concrete_fields}
        sql = "UPDATE {} SET {} WHERE {} = %s AND {} = %s AND {} IN ({})".format(  # noqa: S608 - this model's names
            quote(Delivery._meta.db_table),
            ", ".join(f"{quote(columns[name])} = %s" for name in OUTCOME_FIELDS),
            quote(columns["id"]),
            quote(columns["next_attempt_at"]),
            quote(columns["state"]),
            ", ".join("%s" for _state in PENDING),
        )
        moment = ops.adapt_datetimefield_value
        params = [
            (
                item.state,
                item.attempts,
                moment(item.next_attempt_at),
                moment(item.last_attempt_at),
                item.last_status,
                item.last_error,
                moment(item.delivered_at),
                item.pk,
                moment(lease),
                *PENDING,
            )
            for lease, item in rows
        ]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, params)
                written = cursor.rowcount
        except BaseException:
            self.unwritten[:0] = rows  # not written: kept for the next try (``send`` tries once more)
            self.since = self.since or time.monotonic()
            raise
        if 0 <= written < len(rows):
            logger.warning(
                "%s afleveringen: de lease was niet meer van deze worker of ze zijn intussen opgegeven "
                "(abonnement gedeactiveerd); uitkomst niet vastgelegd",
                len(rows) - written,
            )

    def put_back(self) -> None:
        """Deliveries not attempted in this batch: due again at once (released) or after a wait (their
        receiver was slow or unreachable), without counting an attempt, and only while still leased here and
        still pending (not given up meanwhile)."""
        now = timezone.now()
        groups: dict[tuple[dt.datetime, dt.datetime], list[int]] = {}
        for item, due in self.later:
            moment = due if isinstance(due, dt.datetime) else now + dt.timedelta(seconds=due)
            groups.setdefault((item.next_attempt_at, moment), []).append(item.pk)
        self.later = []
        for (lease, moment), ids in groups.items():
            Delivery.objects.filter(id__in=ids, next_attempt_at=lease, state__in=PENDING).update(next_attempt_at=moment)


def send(batch: list[Delivery], *, stop_at: float | None = None, cancel: threading.Event | None = None) -> Outcome:
    """Post the claimed deliveries, per subscription in lanes (threads that do HTTP only), and write the
    outcomes in this thread as they come. No request starts after ``stop_at`` (a ``time.monotonic()``
    moment) nor so late that it could outlast the lease; those deliveries are released to the next round.
    When this thread fails (the database), ``cancel`` is set: the lanes start no further request, the
    outcomes of those under way are written if the database allows, and the rest is released."""
    outcomes = _Outcomes()
    if not batch:
        return outcomes.outcome
    cancel = cancel or threading.Event()
    lease_ends = min(item.next_attempt_at for item in batch)
    send_by = (
        time.monotonic()
        + (lease_ends - timezone.now()).total_seconds()
        - settings.EVENTS_TIMEOUT_SECONDS
        - MARGIN_SECONDS
    )
    if stop_at is not None:
        send_by = min(send_by, stop_at)
    lanes: dict[int, list[Delivery]] = {}
    for item in batch:
        lanes.setdefault(item.subscription_id, []).append(item)
    results: queue.SimpleQueue[_Result | None] = queue.SimpleQueue()

    def run(items: list[Delivery]) -> None:
        done: set[int] = set()
        try:
            for result in _lane(items, send_by, cancel):
                done.add(result.item.pk)
                results.put(result)
        except Exception:  # noqa: BLE001 - a lane's thread has no caller: log it, its rest waits a while
            logger.exception("Afleveren aan abonnement %s mislukt", items[0].subscription_id)
            for item in items:
                if item.pk not in done:
                    results.put(_Result(item, DEFERRED))
        finally:
            results.put(None)

    reported: set[int] = set()
    try:
        with ThreadPoolExecutor(max_workers=min(len(lanes), LANES), thread_name_prefix="webhook") as pool:
            try:
                for items in lanes.values():
                    pool.submit(run, items)
                running = len(lanes)
                while running:
                    try:
                        came = results.get(timeout=outcomes.wait())
                    except queue.Empty:
                        outcomes.write()
                        continue
                    if came is None:
                        running -= 1
                        continue
                    reported.add(came.item.pk)
                    outcomes.add(came)
                    if outcomes.wait() == 0:
                        outcomes.write()
            except BaseException:
                cancel.set()  # the lanes start nothing more; the pool waits for the requests under way
                raise
    finally:
        while True:  # what the lanes reported after this thread stopped listening
            try:
                came = results.get_nowait()
            except queue.Empty:
                break
            if came is not None:
                reported.add(came.item.pk)
                outcomes.add(came)
        try:
            outcomes.write()
        finally:
            outcomes.later.extend((item, 0.0) for item in batch if item.pk not in reported)  # never started
            outcomes.put_back()
    return outcomes.outcome


def deliver_due(*, max_seconds: float | None = None) -> Outcome:
    """Fan out new events, then send due deliveries batch after batch until none is due or the time is
    up: after ``max_seconds`` no batch is claimed and no request starts (the one under way may take its
    deadline), and what is left goes to the next round. Used by the embedded worker, the tests and
    `manage.py events afleveren`."""
    stop_at = None if max_seconds is None else time.monotonic() + max_seconds
    outcome = Outcome()
    fan_out()
    while stop_at is None or time.monotonic() < stop_at:
        batch = claim()
        if not batch:
            break
        outcome.add(send(batch, stop_at=stop_at))
    return outcome


def next_due() -> dt.datetime | None:
    """When the delivery round next has work: now for events not yet fanned out, else when the earliest
    pending delivery comes due (None when nothing is pending)."""
    if Event.objects.filter(dispatched=False).exists():
        return timezone.now()
    return Delivery.objects.filter(state__in=PENDING).aggregate(first=Min("next_attempt_at"))["first"]
