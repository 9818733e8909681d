"""The limits of one delivery and of a round (tester's findings 1-4 and 9 of the events review): a receiver
that trickles its answer costs one deadline in all, not one per byte, and holds up neither the other
receivers nor the other background jobs; the 64 KiB cap on an answer holds; a batch never outlasts its
lease, so a second worker never sends a delivery that is still being sent, and each outcome is written
when it is known; `events afleveren --seconden N` stops starting work after N seconds. Real HTTP servers on
127.0.0.1 in threads of the test. No test measures how long something took (timings belong in benchmarks/):
the order of events is fixed with handshakes (threading.Event), a deadline shows by its ``expired`` flag and
by the receiver seeing the sender hang up, and the passing of a lease or a round's time by a clock that the
test moves on (``moved_clock``). The second review's findings (errors while sending, outcomes that could not
be written, a deactivation during a request) are at the end."""

from __future__ import annotations

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections
from django.utils import timezone

from tests.test_events_delivery import (  # noqa: F401 - fixed_dns: autouse
    Receiver,
    fixed_dns,
    make_subscription,
    publish,
    subscribe,
    wait_for,
)
from toegang.common import jobs
from toegang.events import catalogue, delivery, outbound, services
from toegang.events.models import Delivery, Event, Subscription


class Scripted:
    """An HTTP/1.1 server on 127.0.0.1 whose answer is written by ``answer(handler, n)`` (n: the request's
    number, from 0); it records each request's Toegang-Delivery header and when it came and went."""

    def __init__(self, answer):
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - the name http.server calls
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                record = {"delivery": self.headers["Toegang-Delivery"], "start": time.monotonic(), "end": None}
                with receiver.lock:
                    n = len(receiver.requests)
                    receiver.requests.append(record)
                try:
                    answer(self, n)
                except OSError:
                    record["broken"] = True  # the sender closed the connection
                finally:
                    record["end"] = time.monotonic()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def trickle_body(before=lambda: None, seconds: float = 15):
    """200 with Content-Length: 400, then (after ``before()``) one byte every 0.2 s (the tester's slow
    receiver, faster), for at most ``seconds`` (so that a sender without a deadline is still shown to wait,
    not hang the suite)."""

    def answer(handler, _n):
        handler.send_response(200)
        handler.send_header("Content-Length", "400")
        handler.end_headers()
        handler.wfile.flush()
        before()
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
        handler.close_connection = True

    return answer


def trickle_status_line(before=lambda: None, seconds: float = 15):
    """After ``before()``, the status line itself, one byte every 0.2 s: no status before the deadline."""

    def answer(handler, _n):
        before()
        line = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        until = time.monotonic() + seconds
        for byte in line:
            if time.monotonic() > until:
                break
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)
        handler.close_connection = True

    return answer


def ok(handler, _n):
    handler.send_response(200)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    handler.wfile.write(b"ok")


@pytest.fixture(autouse=True)
def local_receivers(settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True


@pytest.fixture
def deadlines(monkeypatch):
    """Every delivery's Deadline, in the order made (``expired``: the deadline cut the delivery off)."""
    made: list[outbound.Deadline] = []

    class Recorded(outbound.Deadline):
        def __init__(self, seconds):
            super().__init__(seconds)
            made.append(self)

    monkeypatch.setattr(outbound, "Deadline", Recorded)
    return made


@pytest.fixture
def moved_clock(monkeypatch):
    """delivery.py's monotonic clock, which the test moves on (``moved_clock.on(seconds)``) to let a lease's
    last safe moment or a round's time pass at a point of its choosing; the deadlines of requests keep the
    real clock."""

    class Clock:
        offset = 0.0

        def monotonic(self):
            return time.monotonic() + self.offset

        def time(self):
            return time.time()

        def on(self, seconds):
            self.offset += seconds

    clock = Clock()
    monkeypatch.setattr(delivery, "time", clock)
    return clock


def queue_events(world, n: int) -> None:
    """Events in the outbox without handing the delivery over (for the transactional tests, where
    ``publish`` outside a transaction would deliver them inline at once): the test sends them itself."""
    for k in range(n):
        Event.objects.create(
            type=catalogue.SIGNAL_RECEIVED,
            source="http://127.0.0.1:8000/",
            subject=f"melding/{k}",
            data={"melding": {"id": k}, "ontvangen_op": "2026-11-26"},
            municipality=world.gemeente,
        )


# --- finding 1: one deadline per delivery, in all ------------------------------------------------------------


@pytest.mark.parametrize(
    ("behaviour", "slow_state", "slow_error"),
    [
        (trickle_body, Delivery.State.DELIVERED, ""),  # the 200 came in time: it counts, the rest is cut off
        (trickle_status_line, Delivery.State.FAILED, "Geen volledig antwoord binnen 2 s."),
    ],
)
def test_a_receiver_that_trickles_costs_one_deadline_and_holds_up_no_other(
    world, settings, deadlines, behaviour, slow_state, slow_error
):
    """The slow receiver holds its request open until the fast one has had all three of its deliveries (so
    the fast lane ran while the slow one was under way), then trickles; the deadline cuts it off (the
    receiver sees the sender hang up long before its trickle ends) and the slow lane's rest waits."""
    settings.EVENTS_TIMEOUT_SECONDS = 2
    fast_done, seen = threading.Event(), {}

    def after_fast():
        seen["fast done first"] = fast_done.wait(10)

    def fast_answer(handler, n):
        ok(handler, n)
        if n == 2:
            fast_done.set()

    with Scripted(behaviour(after_fast)) as slow, Scripted(fast_answer) as fast:
        slow_subscription, _s = subscribe(world, slow.url)  # made first: its deliveries come first in the batch
        fast_subscription, _s = subscribe(world, fast.url)
        publish(world, 3)
        done = delivery.deliver_due()
        wait_for(lambda: slow.requests[0]["end"] is not None, 30)
    assert seen["fast done first"]  # the fast receiver was not held up behind the slow one
    assert len(slow.requests) == 1 and len(fast.requests) == 3
    assert slow.requests[0].get("broken")  # the sender hung up in the middle of the trickle
    assert [d.expired for d in deadlines].count(True) == 1 and len(deadlines) == 4  # one deadline, the slow one's
    assert done.delivered + done.failed == 4 and done.deferred == 2
    (first,) = Delivery.objects.filter(subscription=slow_subscription, attempts=1)
    rest = Delivery.objects.filter(subscription=slow_subscription).exclude(pk=first.pk)
    assert first.state == slow_state and first.last_error == slow_error and first.attempts == 1
    assert [d.state for d in rest] == [Delivery.State.WAITING] * 2  # the rest of its batch waits for a later round
    assert all(d.state == Delivery.State.DELIVERED for d in Delivery.objects.filter(subscription=fast_subscription))


def test_a_trickled_tls_handshake_is_cut_off_at_the_deadline(world, settings, deadlines):
    """A server that answers the TLS ClientHello with a record header and then one byte every 0.2 s (for at
    most 15 s): the deadline covers the handshake too."""
    settings.EVENTS_TIMEOUT_SECONDS = 1
    server = socket.create_server(("127.0.0.1", 0))
    stop, seen = threading.Event(), {}

    def serve():
        connection, _address = server.accept()
        with connection:
            connection.recv(4096)  # the ClientHello
            connection.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB follows ...
            until = time.monotonic() + 15
            while not stop.is_set() and time.monotonic() < until:
                try:
                    connection.sendall(b"\x02")  # ... one byte at a time
                except OSError:
                    seen["hung up"] = True
                    return
                time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        subscribe(world, f"https://127.0.0.1:{server.getsockname()[1]}/hook")
        publish(world)
        delivery.deliver_due()
        thread.join(20)  # the server stops trickling once the sender has hung up
    finally:
        stop.set()
        thread.join(20)
        server.close()
    assert seen.get("hung up")  # the sender hung up in the middle of the handshake
    (deadline,) = deadlines
    assert deadline.expired
    failed = Delivery.objects.get()
    assert failed.state == Delivery.State.FAILED and failed.last_error == "Geen volledig antwoord binnen 1 s."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_background_jobs_of_different_lanes_do_not_wait_for_each_other(settings):
    """In the embedded worker a job of one lane (the webhook round) does not hold up a job of another (an
    export); two jobs of the same lane take turns, and one that is already waiting is not queued twice."""
    settings.WORKER = "thread"
    release, ran = threading.Event(), []

    class Job:
        def __init__(self, name):
            self.name = name

        def __call__(self, *args):
            ran.append((self.name, args))
            if self.name == "test.slow":
                release.wait(30)

    slow, other = Job("test.slow"), Job("test.other")
    try:
        jobs.enqueue(slow, 1)
        wait_for(lambda: ("test.slow", (1,)) in ran, 10)
        jobs.enqueue(other)
        wait_for(lambda: ("test.other", ()) in ran, 10)  # it did not wait for the slow job's lane
        for _n in range(3):
            jobs.enqueue(slow, 2)  # the slow lane is busy: these three are one waiting job
        assert ran.count(("test.slow", (2,))) == 0
    finally:
        release.set()
    wait_for(lambda: ran.count(("test.slow", (2,))) == 1, 10)
    for thread in threading.enumerate():
        if thread.name.startswith("job-test."):
            thread.join(10)
    assert ran.count(("test.slow", (2,))) == 1


# --- finding 2: the cap on an answer ----------------------------------------------------------------------------


def test_an_endless_answer_is_cut_off_at_the_cap(world, settings):
    """A 200 with a chunked body of 200 MB: the sender stops reading at 64 KiB and closes the connection;
    the status counts. Without the cap it reads everything (or until the deadline)."""
    settings.EVENTS_TIMEOUT_SECONDS = 20
    sent = {"bytes": 0}
    chunk = b"x" * 65536

    def endless(handler, _n):
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for _k in range(200 * 16):  # 200 MB
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent["bytes"] += len(chunk)
        handler.wfile.write(b"0\r\n\r\n")

    with Scripted(endless) as receiver:
        subscribe(world, receiver.url)
        publish(world)
        done = delivery.deliver_due()
        wait_for(lambda: receiver.requests[0]["end"] is not None, 30)
    assert done.delivered == 1
    assert Delivery.objects.get().state == Delivery.State.DELIVERED
    assert receiver.requests[0].get("broken")  # the sender hung up before the end of the answer
    assert sent["bytes"] < 100 * 1024 * 1024  # what the sockets' buffers took, far below the 200 MB


# --- findings 3 and 9: the lease and the outcomes -----------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_worker_never_sends_what_the_first_is_still_sending(world, settings, monkeypatch, moved_clock):
    """A batch that would outlast its lease: while the first worker's request is under way, a second worker
    finds nothing to claim; the lease's last safe moment then passes (the test moves the clock on) and the
    first worker starts no further request in that batch but releases the rest, which the next round (here
    the same worker's, with a new lease) sends. Every delivery goes out once, with attempt 1."""
    settings.EVENTS_TIMEOUT_SECONDS = 1
    settings.EVENTS_LEASE_SECONDS = 3
    monkeypatch.setattr(delivery, "MARGIN_SECONDS", 0.5, raising=False)
    under_way, moved, batches = threading.Event(), threading.Event(), []
    send = delivery.send

    def recorded_send(*args, **kwargs):
        batches.append(send(*args, **kwargs))
        return batches[-1]

    monkeypatch.setattr(delivery, "send", recorded_send)

    def second_waits(handler, n):
        if n == 1:
            under_way.set()
            moved.wait(20)
        ok(handler, n)

    with Scripted(second_waits) as receiver:
        make_subscription(world, receiver.url)
        queue_events(world, 10)

        first = threading.Thread(target=lambda: (delivery.deliver_due(), connections.close_all()))
        first.start()
        try:
            assert under_way.wait(20)
            assert delivery.claim() == []  # all ten are the first worker's while its lease lasts
            moved_clock.on(2)  # past the lease's last safe moment (3 - 1 - 0.5 s after the claim)
        finally:
            moved.set()
            first.join(30)
        assert not delivery.deliver_due().attempted  # a second worker (a cron round): nothing left
    numbers = [r["delivery"] for r in receiver.requests]
    assert len(numbers) == 10 and len(set(numbers)) == 10, numbers  # none sent twice
    assert [(b.delivered, b.deferred) for b in batches[:2]] == [(2, 8), (8, 0)]  # none started after the moment
    assert list(Delivery.objects.values_list("state", "attempts").distinct()) == [(Delivery.State.DELIVERED, 1)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_outcome_is_written_when_it_is_known(world, settings):
    """While the batch is still being sent, the deliveries already answered show as delivered, each with its
    own time (not the batch's end)."""
    settings.EVENTS_TIMEOUT_SECONDS = 20
    seen_two = threading.Event()

    def third_waits(handler, n):
        if n == 2:
            seen_two.wait(20)  # the test looks at the database meanwhile
        ok(handler, n)

    with Scripted(third_waits) as receiver:
        make_subscription(world, receiver.url)
        queue_events(world, 4)
        sender = threading.Thread(target=lambda: (delivery.deliver_due(), connections.close_all()))
        sender.start()
        try:
            wait_for(lambda: Delivery.objects.filter(state=Delivery.State.DELIVERED).count() == 2, 15)
            looked = timezone.now()
        finally:
            seen_two.set()
            sender.join(30)
    times = list(Delivery.objects.order_by("pk").values_list("delivered_at", flat=True))
    assert len(receiver.requests) == 4 and all(times)
    assert times == sorted(times) and len(set(times)) == 4  # each its own moment, in the order sent
    assert times[1] < looked < times[2]  # the first two were written before the third was answered


# --- finding 4: the cron round's time limit -------------------------------------------------------------------


def test_the_cron_round_stops_starting_work_when_its_time_is_up(world, settings, moved_clock):
    """The round's time passes (the clock moved on) while the third request is under way: it is finished,
    no other starts, and the rest is due again at once for the next round."""
    settings.EVENTS_TIMEOUT_SECONDS = 1

    def time_passes_during_the_third(handler, n):
        if n == 2:
            moved_clock.on(5)
        ok(handler, n)

    with Scripted(time_passes_during_the_third) as receiver:
        subscribe(world, receiver.url)
        publish(world, 30)  # in the test's transaction: nothing is handed over
        out = io.StringIO()
        call_command("events", "afleveren", "--seconden", "1", stdout=out)
    assert len(receiver.requests) == 3
    said = "Gebeurtenissen: 3 afgeleverd, 0 mislukt (volgt opnieuw), 0 opgegeven, 27 uitgesteld."
    assert out.getvalue().strip() == said
    left = Delivery.objects.filter(state=Delivery.State.WAITING)
    assert left.count() == 27 and all(d.attempts == 0 for d in left)
    assert len(delivery.claim(100)) == 27  # what was left is due again at once, for the next round


# --- the second review -----------------------------------------------------------------------------------------


def test_an_error_while_sending_is_a_failed_attempt_with_its_backoff(world, monkeypatch):
    """An unexpected error in a lane (here: in posting) is that delivery's failed attempt, retried after its
    backoff; the rest of the lane waits too. Before, the whole batch came due again at once and
    ``deliver_due()`` claimed it again and again."""
    posts, claims = [], []

    def broken_post(*_args, **_kwargs):
        posts.append(1)
        raise RuntimeError("kapot")

    claim = delivery.claim

    def counted_claim(*args, **kwargs):
        claims.append(1)
        if len(claims) > 3:
            pytest.fail("deliver_due() claims the same deliveries again and again")
        return claim(*args, **kwargs)

    monkeypatch.setattr(outbound, "post", broken_post)
    monkeypatch.setattr(delivery, "claim", counted_claim)
    subscribe(world, "http://127.0.0.1:9/hook")
    publish(world, 2)
    done = delivery.deliver_due()
    assert len(posts) == 1 and (done.failed, done.deferred) == (1, 1)
    failed = Delivery.objects.get(attempts=1)
    assert failed.state == Delivery.State.FAILED and failed.last_error == "Interne fout bij verzenden."
    assert failed.next_attempt_at > timezone.now()
    waiting = Delivery.objects.exclude(pk=failed.pk).get()
    assert waiting.attempts == 0 and waiting.next_attempt_at > timezone.now()


class _FailingOnce:
    """delivery.py's database connection, whose first executemany (an outcome's write) fails as a locked or
    lost database would."""

    def __init__(self, real, failed: threading.Event):
        self.real, self.failed = real, failed

    def __getattr__(self, name):
        return getattr(self.real, name)

    def cursor(self):
        outer = self

        class Cursor:
            def __init__(self, inner):
                self.inner = inner

            def __enter__(self):
                self.inner.__enter__()
                return self

            def __exit__(self, *exc):
                return self.inner.__exit__(*exc)

            def executemany(self, sql, params):
                if not outer.failed.is_set():
                    outer.failed.set()
                    raise OperationalError("database is locked")
                return self.inner.executemany(sql, params)

            @property
            def rowcount(self):
                return self.inner.rowcount

        return Cursor(self.real.cursor())


def test_an_outcome_that_could_not_be_written_is_kept_and_the_lanes_stop(world, settings, monkeypatch):
    """The write of the first outcome fails while the second request is under way: that outcome is kept and
    written once more before ``send`` gives up, the lane starts no further request, the one under way is
    written too, and the two never sent are due again at once without an attempt counted."""
    settings.EVENTS_TIMEOUT_SECONDS = 20
    monkeypatch.setattr(delivery, "FLUSH_SECONDS", 0.0)  # each outcome is written as soon as it comes
    failed, cancel = threading.Event(), threading.Event()
    monkeypatch.setattr(delivery, "connection", _FailingOnce(delivery.connection, failed))

    def second_waits_for_the_cancel(handler, n):
        if n == 1:
            cancel.wait(20)  # send() sets it when the write has failed
        ok(handler, n)

    with Scripted(second_waits_for_the_cancel) as receiver:
        subscribe(world, receiver.url)
        publish(world, 4)
        delivery.fan_out()
        batch = delivery.claim()
        with pytest.raises(OperationalError):
            delivery.send(batch, cancel=cancel)
    assert failed.is_set() and len(receiver.requests) == 2
    rows = list(Delivery.objects.order_by("event__time", "pk"))
    assert [(d.state, d.attempts) for d in rows[:2]] == [(Delivery.State.DELIVERED, 1)] * 2
    assert [(d.state, d.attempts) for d in rows[2:]] == [(Delivery.State.WAITING, 0)] * 2
    assert all(d.next_attempt_at <= timezone.now() for d in rows[2:])


def test_a_deactivation_during_a_request_stands(world):
    """The subscription is deactivated (its deliveries given up) while a batch with its delivery is being
    sent; the receiver's 503 that comes afterwards does not make it pending again."""
    with Receiver(script=[503]) as receiver:
        subscription, _secret = subscribe(world, receiver.url)
        publish(world)
        delivery.fan_out()
        batch = delivery.claim()
        services.deactivate_subscription(actor=world.admin, subscription=subscription)
        delivery.send(batch)
    assert len(receiver.requests) == 1
    given_up = Delivery.objects.get()
    assert (given_up.state, given_up.attempts, given_up.last_error) == (
        Delivery.State.GIVEN_UP,
        0,
        "Abonnement gedeactiveerd.",
    )


def test_giving_up_keeps_the_number_of_attempts(world):
    """A delivery of a deactivated subscription is given up with the attempts it had, not the maximum."""
    with Receiver() as receiver:
        subscription, _secret = subscribe(world, receiver.url)
        publish(world)
        delivery.fan_out()
        Subscription.objects.filter(pk=subscription.pk).update(active=False)  # its delivery still waits
        Delivery.objects.update(attempts=2, state=Delivery.State.FAILED)
        done = delivery.deliver_due()
    assert not receiver.requests and done.given_up == 1
    given_up = Delivery.objects.get()
    assert (given_up.state, given_up.attempts) == (Delivery.State.GIVEN_UP, 2)
