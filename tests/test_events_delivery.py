"""Delivering events to webhooks (issue 9, "Bad input and faults"): real HTTP receivers on 127.0.0.1 in
a thread of the test (no mocking of requests) check the HMAC signature and the CloudEvents body; a
receiver that answers 500 is retried with exponential backoff and jitter until it answers 200; one that
sleeps past the timeout fails the attempt without holding anything up; after the last attempt the
delivery is given up; the cron round; and the real Celery worker over the real Redis delivers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from toegang.events import catalogue, delivery, keys, outbound, services
from toegang.events.models import Delivery, Event, Subscription

REDIS = "redis://127.0.0.1:6379/15"  # as tests/test_steering_exports.py: a database of its own, a queue per run


class Receiver:
    """An HTTP server on 127.0.0.1 (a free port) that records every request and answers with the next of
    ``script`` (a status code, or ("sleep", seconds) to answer 200 only after that long); when the script
    runs out it answers 200. With ``secret`` it checks the signature as a receiver would."""

    def __init__(self, script=(), secret: str | None = None):
        self.script = list(script)
        self.secret = secret
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver

            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    step = receiver.script.pop(0) if receiver.script else 200
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "at": time.time()})
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 200
                if receiver.secret is not None and not receiver.signed(self.headers, body):
                    step = 401
                answer = b"kapot" if step >= 500 else b"ok"
                try:
                    self.send_response(step)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def signed(self, headers, body: bytes) -> bool:
        """The receiver's own check of ``Toegang-Signature: t=<unix>,v1=<hex>`` (docs/events.md)."""
        parts = dict(p.split("=", 1) for p in headers["Toegang-Signature"].split(","))
        mac = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def local_receivers(settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True


TEST_ADDRESS = "93.184.215.14"  # public (outbound.refusal allows it); no test ever connects to it


@pytest.fixture
def real_dns():
    """Ask for this to look names up in the real DNS (see ``fixed_dns``)."""


@pytest.fixture(autouse=True)
def fixed_dns(request, monkeypatch):
    """Names other than localhost resolve to TEST_ADDRESS without asking DNS (no test waits for a lookup of
    ``ontvanger.example``), and a connection to it is refused at once. Imported by every events test file;
    a test that needs the real DNS asks for ``real_dns``."""
    if "real_dns" in request.fixturenames:
        return
    real_lookup, real_connect = outbound.getaddrinfo, outbound.create_connection

    def lookup(host, port, *args, **kwargs):
        if str(host).lower() == "localhost":
            return real_lookup(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (TEST_ADDRESS, int(port or 0)))]

    def connect(address, *args, **kwargs):
        if address[0] == TEST_ADDRESS:
            raise ConnectionRefusedError(f"{TEST_ADDRESS} (tests/test_events_delivery.py fixed_dns)")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(outbound, "getaddrinfo", lookup)
    monkeypatch.setattr(outbound, "create_connection", connect)


def subscribe(world, url: str, types=None) -> tuple[Subscription, str]:
    return services.create_subscription(
        actor=world.admin, name="Ontvanger", callback_url=url, event_types=types or list(catalogue.TYPES)
    )


def publish(world, n: int = 1) -> list[Event]:
    return [
        services.publish(
            catalogue.SIGNAL_RECEIVED,
            subject=f"melding/{k}",
            data={"melding": {"id": k, "url": f"http://127.0.0.1:8000/meldingen/{k}/"}, "ontvangen_op": "2026-11-26"},
            municipality_id=world.gemeente.pk,
        )
        for k in range(1, n + 1)
    ]


def come_due() -> None:
    Delivery.objects.filter(state__in=delivery.PENDING).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_a_signed_cloudevent_reaches_the_receiver(world):
    with Receiver() as receiver:
        subscription, secret = subscribe(world, receiver.url)
        receiver.secret = secret
        (event,) = publish(world)
        done = delivery.deliver_due()
    assert (done.delivered, done.failed) == (1, 0)
    (request,) = receiver.requests
    assert request["headers"]["Content-Type"] == "application/cloudevents+json; charset=utf-8"
    assert request["headers"]["Toegang-Attempt"] == "1" and request["headers"]["User-Agent"] == "Toegang-webhooks/1.0"
    assert keys.verify(request["headers"]["Toegang-Signature"], request["body"], secret)
    sent = json.loads(request["body"])
    assert sent == {
        "specversion": "1.0",
        "id": str(event.id),
        "source": "http://127.0.0.1:8000/",
        "type": "nl.toegang.signal.received",
        "subject": "melding/1",
        "time": event.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": {
            "melding": {"id": 1, "url": "http://127.0.0.1:8000/meldingen/1/"},
            "ontvangen_op": "2026-11-26",
            "gemeente": "9901",
        },
    }
    sent_delivery = Delivery.objects.get()
    assert sent_delivery.state == Delivery.State.DELIVERED and sent_delivery.attempts == 1
    assert sent_delivery.last_status == 200 and sent_delivery.delivered_at and sent_delivery.last_error == ""
    assert request["headers"]["Toegang-Delivery"] == str(sent_delivery.pk)


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(world):
    with Receiver(secret="niet-het-geheim") as receiver:
        subscribe(world, receiver.url)
        publish(world)
        delivery.deliver_due()
    failed = Delivery.objects.get()
    assert (
        failed.state == Delivery.State.FAILED
        and failed.last_status == 401
        and failed.last_error == "HTTP 401 Unauthorized"
    )


def test_a_500_is_retried_with_backoff_until_delivered(world, settings):
    settings.EVENTS_RETRY_BASE_SECONDS = 60
    with Receiver(script=[500, 503, 200]) as receiver:
        subscribe(world, receiver.url)
        publish(world)
        waits = []
        for attempt in (1, 2):
            assert delivery.deliver_due().failed == 1
            failed = Delivery.objects.get()
            assert failed.state == Delivery.State.FAILED and failed.attempts == attempt
            assert failed.last_error == ("HTTP 500 Internal Server Error", "HTTP 503 Service Unavailable")[attempt - 1]
            wait = (failed.next_attempt_at - failed.last_attempt_at).total_seconds()
            nominal = 60 * 2 ** (attempt - 1)  # 1 minute, then 2
            assert nominal <= wait <= nominal * (1 + settings.EVENTS_RETRY_JITTER) + 1, (attempt, wait)
            waits.append(wait)
            assert delivery.deliver_due().attempted == 0  # not due yet: nothing is sent
            come_due()
        assert delivery.deliver_due().delivered == 1
    done = Delivery.objects.get()
    assert done.state == Delivery.State.DELIVERED and done.attempts == 3 and done.last_status == 200
    assert [r["headers"]["Toegang-Attempt"] for r in receiver.requests] == ["1", "2", "3"]
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 1  # the same event each time


def test_the_backoff_doubles_up_to_the_cap_with_jitter(settings):
    settings.EVENTS_RETRY_BASE_SECONDS, settings.EVENTS_RETRY_CAP_SECONDS = 60, 3600
    for attempts, nominal in [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (11, 3600)]:
        waits = [delivery.backoff(attempts).total_seconds() for _n in range(50)]
        assert all(nominal <= w <= nominal * 1.25 for w in waits), attempts
        assert len(set(waits)) > 1  # jitter


def test_a_receiver_that_sleeps_past_the_timeout_fails_without_holding_up_the_others(world, settings):
    settings.EVENTS_TIMEOUT_SECONDS = 0.5
    with Receiver(script=[("sleep", 3)] * 5) as slow, Receiver() as fast:
        slow_subscription, _s = subscribe(world, slow.url)
        fast_subscription, _s = subscribe(world, fast.url)
        publish(world, 3)
        started = time.monotonic()
        done = delivery.deliver_due()
        took = time.monotonic() - started
    assert took < 2.5  # one timeout for the slow receiver, not one per event
    assert done.delivered == 3 and done.failed == 1 and done.deferred == 2
    assert len(fast.requests) == 3 and len(slow.requests) == 1
    slow_ones = Delivery.objects.filter(subscription=slow_subscription).order_by("attempts")
    assert [d.state for d in slow_ones] == [Delivery.State.WAITING] * 2 + [Delivery.State.FAILED]
    failed = slow_ones.last()
    assert failed.last_error == "Geen volledig antwoord binnen 0.5 s." and failed.last_status is None
    assert failed.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)  # retried later
    assert all(d.next_attempt_at > timezone.now() for d in slow_ones)  # the deferred ones wait a round too
    assert Delivery.objects.filter(subscription=fast_subscription, state=Delivery.State.DELIVERED).count() == 3


def test_a_receiver_that_is_down_fails_the_attempt(world):
    with Receiver() as receiver:
        url = receiver.url
    subscribe(world, url)  # nothing listens there any more
    publish(world)
    delivery.deliver_due()
    failed = Delivery.objects.get()
    assert failed.state == Delivery.State.FAILED
    assert failed.last_error == "Geen verbinding: de verbinding wordt geweigerd; draait de dienst op dit adres?."


def test_a_receiver_that_stays_down_is_asked_once_per_growing_backoff_and_the_rest_keep_their_attempts(world, settings):
    settings.EVENTS_RETRY_BASE_SECONDS, settings.EVENTS_RETRY_JITTER = 60, 0
    with Receiver() as receiver:
        url = receiver.url
    subscription, _s = subscribe(world, url)  # nothing listens there any more
    events = publish(world, 3)
    for attempt in (1, 2, 3):
        come_due()
        done = delivery.deliver_due()
        assert (done.failed, done.deferred) == (1, 2)  # one probe per round, the oldest event
        rows = {d.event_id: d for d in Delivery.objects.filter(subscription=subscription)}
        probe = rows[events[0].pk]
        assert probe.attempts == attempt and probe.state == Delivery.State.FAILED
        assert probe.next_attempt_at > timezone.now() + dt.timedelta(seconds=60 * 2 ** (attempt - 1) - 5)
        for event in events[1:]:  # not tried: no attempt burnt, due again with the probe, not after the base wait
            assert rows[event.pk].attempts == 0 and rows[event.pk].next_attempt_at == probe.next_attempt_at


def test_redirects_are_not_followed(world):
    with Receiver(script=[302]) as receiver:
        subscribe(world, receiver.url)
        publish(world)
        delivery.deliver_due()
    assert Delivery.objects.get().last_error == "HTTP 302 Found (doorverwijzingen worden niet gevolgd)"
    assert len(receiver.requests) == 1


def test_given_up_after_the_last_attempt_and_tried_again_on_request(world, settings, caplog):
    settings.EVENTS_MAX_ATTEMPTS = 3
    with Receiver(script=[500, 500, 500]) as receiver:
        subscribe(world, receiver.url)
        publish(world)
        for _n in range(3):
            delivery.deliver_due()
            come_due()
        given_up = Delivery.objects.get()
        assert given_up.state == Delivery.State.GIVEN_UP and given_up.attempts == 3
        # the operator's monitoring hears of it: one ERROR, naming the delivery and its subscription
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        expected = f"Aflevering {given_up.pk} aan abonnement {given_up.subscription_id} opgegeven na 3 pogingen"
        assert errors == [f"{expected} (laatste: HTTP 500)"], errors
        assert delivery.deliver_due().attempted == 0 and len(receiver.requests) == 3  # no fourth attempt
        services.retry_delivery(actor=world.admin, delivery=given_up)
        assert delivery.deliver_due().delivered == 1
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_an_unreadable_secret_fails_with_a_message(world, settings):
    with Receiver() as receiver:
        subscribe(world, receiver.url)
        publish(world)
        settings.EVENTS_KEY = "een-andere-sleutel"
        delivery.deliver_due()
    assert "geheim is niet te lezen" in Delivery.objects.get().last_error and not receiver.requests


def test_a_claimed_batch_is_not_claimed_again(world):
    subscribe(world, "http://127.0.0.1:9/")
    publish(world, 5)
    delivery.fan_out()
    first = delivery.claim(3)
    second = delivery.claim(10)
    assert len(first) == 3 and len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert delivery.claim(10) == []  # all leased


def test_the_cron_round_delivers_and_says_what_it_did(world, capsys):
    with Receiver(script=[200, 500]) as receiver:
        subscribe(world, receiver.url)
        publish(world, 2)
        call_command("events", "afleveren")
    assert capsys.readouterr().out.strip() == (
        "Gebeurtenissen: 1 afgeleverd, 1 mislukt (volgt opnieuw), 0 opgegeven, 0 uitgesteld."
    )


def test_publishing_hands_the_delivery_over_after_commit(world, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        subscribe(world, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            publish(world, 2)
            assert not receiver.requests  # nothing goes out before the commit
    assert len(receiver.requests) == 2 and Delivery.objects.filter(state="afgeleverd").count() == 2


def test_a_broker_that_is_down_keeps_the_change_and_its_event_for_the_next_round(
    world, settings, caplog, django_capture_on_commit_callbacks
):
    from toegang import worker

    settings.WORKER = "celery"
    down = worker.make_app("toegang-down", broker_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    with Receiver() as receiver:
        try:
            subscribe(world, receiver.url)
            with django_capture_on_commit_callbacks(execute=True):  # the commit hands the task over, once
                publish(world)
            assert not receiver.requests
        finally:
            worker.app.set_current()
            down.close()
        assert Event.objects.filter(dispatched=False).count() == 1  # kept in the outbox
        assert "Achtergrondtaak toegang.events.deliver niet gestart" in caplog.text
        # the next round (cron or celery beat, once the broker is back) delivers it
        call_command("events", "afleveren")
        assert len(receiver.requests) == 1
    assert Event.objects.filter(dispatched=False).count() == 0
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


# --- the workers for real ------------------------------------------------------------------------------
# Transactional tests (the worker sees committed rows only). No audit rows: a flush cannot remove them on
# SQLite, so the subscription is made without the service.


def make_subscription(world, url: str) -> tuple[Subscription, str]:
    secret = keys.new_secret()
    subscription = Subscription.objects.create(
        municipality=world.gemeente,
        name="Ontvanger",
        callback_url=url,
        event_types=list(catalogue.TYPES),
        secret_encrypted=keys.encrypt(secret),
        created_by=world.admin,
    )
    return subscription, secret


def wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not done after {seconds} s")


@pytest.fixture
def celery_app():
    """As in tests/test_steering_exports.py: the application's Celery app on Redis database 15 and a queue
    of this run; afterwards the application's app is current again and the queue's keys are gone."""
    import redis

    from toegang import worker

    queue = f"toegang-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    app = worker.make_app(
        "toegang-test",
        broker_url=REDIS,
        task_default_queue=queue,
        task_default_exchange=queue,
        task_default_routing_key=queue,
        worker_hijack_root_logger=False,
        worker_enable_remote_control=False,
    )
    yield app
    worker.app.set_current()
    worker.app.set_default()
    app.close()
    keys_ = redis.Redis.from_url(REDIS)
    for key in keys_.scan_iter(f"*{queue}*"):
        keys_.delete(key)
    keys_.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_celery_worker_delivers_over_redis_in_batches(world, settings, celery_app):
    from celery.contrib.testing.worker import start_worker

    settings.WORKER = "celery"
    settings.EVENTS_BATCH_SIZE = 4  # 10 events: three batches, each task queueing the next
    with Receiver(script=[500]) as receiver:
        _subscription, secret = make_subscription(world, receiver.url)
        receiver.secret = secret
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            with transaction.atomic():
                publish(world, 10)
            wait_for(lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 9)
            assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 1  # the 500: retried later
            come_due()
            services._kick()  # what the beat schedule (or a new event) does every minute
            wait_for(lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 10)
    assert len(receiver.requests) == 11
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_embedded_worker_delivers_in_a_thread(world, settings):
    settings.WORKER = "thread"
    with Receiver() as receiver:
        make_subscription(world, receiver.url)
        publish(world, 3)  # outside a transaction: handed over at once
        wait_for(lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 3)
        for thread in threading.enumerate():
            if thread.name.startswith("job-"):
                thread.join(10)  # it closes its database connection before it ends
    assert len(receiver.requests) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_never_claim_the_same_delivery(world):
    """While one worker's claim is not yet committed, another worker's claim does not take the same rows.
    PostgreSQL: the second claim skips the locked rows at once (FOR UPDATE SKIP LOCKED). SQLite has one
    writer: the second claim waits for the first one's commit and then finds those rows leased."""
    from django.db import connection, connections

    make_subscription(world, "http://127.0.0.1:9/")
    publish(world, 5)  # outside a transaction the inline worker tries them at once (nothing listens on port 9)
    come_due()
    holding, release, seen = threading.Event(), threading.Event(), {}

    def other_worker() -> None:
        try:
            with transaction.atomic():
                seen["held"] = [d.pk for d in delivery.claim(3)]
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    timer = threading.Timer(1.0, release.set)  # lets the first worker commit; SQLite's second claim waits for it
    try:
        assert holding.wait(30)
        timer.start()
        claimed = delivery.claim(10)
        waited = release.is_set()
    finally:
        release.set()
        timer.cancel()
        thread.join(30)
    assert len(seen["held"]) == 3
    assert len(claimed) == 2 and not {d.pk for d in claimed} & set(seen["held"])
    assert waited == (connection.vendor == "sqlite")  # PostgreSQL does not wait for the other worker's locks
