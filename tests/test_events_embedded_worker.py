"""The embedded worker after a restart (finding 5 of the events review): with WORKER=thread, deliveries that
came due while the process was down are sent when it starts serving, without a new event, and a retry that
comes due later is sent then too (common/jobs.py ``recurring``, registered by events/apps.py). Real HTTP
receiver on 127.0.0.1, the real schedule thread; transactional, since the threads see committed rows only."""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading

import pytest
from django.core.signals import request_started
from django.utils import timezone

from tests.test_events_delivery import Receiver, fixed_dns, make_subscription, wait_for  # noqa: F401 - autouse
from toegang.common import jobs
from toegang.events import catalogue, delivery
from toegang.events.models import Delivery, Event


@pytest.fixture
def embedded(settings):
    settings.WORKER = "thread"
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True
    settings.EVENTS_RETRY_BASE_SECONDS = 1
    yield
    jobs.stop()
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(15)


def left_behind(world, url: str) -> Delivery:
    """What a stopped process leaves: a failed delivery whose retry came due while nothing ran."""
    subscription, _secret = make_subscription(world, url)
    event = Event.objects.create(
        type=catalogue.SIGNAL_RECEIVED,
        source="http://127.0.0.1:8000/",
        subject="melding/1",
        data={"melding": {"id": 1}, "ontvangen_op": "2026-11-26"},
        municipality=world.gemeente,
        dispatched=True,
    )
    return Delivery.objects.create(
        event=event,
        subscription=subscription,
        state=Delivery.State.FAILED,
        attempts=1,
        last_error="Geen verbinding: de verbinding wordt geweigerd.",
        next_attempt_at=timezone.now() - dt.timedelta(minutes=5),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_due_retries_are_sent_when_the_process_starts_serving(world, client, embedded, monkeypatch):
    dues = []  # when each failed attempt's retry is due
    add = delivery._Outcomes.add

    def recorded_add(self, result):
        add(self, result)
        if result.item.state == Delivery.State.FAILED:
            dues.append(result.item.next_attempt_at)

    monkeypatch.setattr(delivery._Outcomes, "add", recorded_add)
    with Receiver(script=[500]) as receiver:  # the first retry fails again; the one after that succeeds
        waiting = left_behind(world, receiver.url)
        assert delivery.next_due() <= timezone.now()
        client.get("/gezondheid/")  # the process's first request: the schedule starts
        # the retry fails again (500); nothing is published any more: the schedule itself hands the round over
        # when the next retry comes due (about a second later), and that one is delivered
        wait_for(lambda: Delivery.objects.get(pk=waiting.pk).state == Delivery.State.DELIVERED, 30)
    done = Delivery.objects.get(pk=waiting.pk)
    assert done.attempts == 3 and len(receiver.requests) == 2
    assert [r["headers"]["Toegang-Attempt"] for r in receiver.requests] == ["2", "3"]
    (due,) = dues
    assert receiver.requests[1]["at"] >= due.timestamp()  # sent when the retry was due, not before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_schedule_runs_only_for_the_embedded_worker(world, client, settings):
    """With Celery (or inline, the tests) beat or cron runs the round: a request starts no schedule."""
    jobs.stop()
    settings.WORKER = "celery"
    client.get("/gezondheid/")
    assert jobs._scheduler is None
    jobs.start()
    assert jobs._scheduler is None


# --- the schedule thread (second review) ----------------------------------------------------------------------


class Task:
    name = "test.recurring"

    def __call__(self):
        pass


@pytest.fixture
def fresh_schedule(monkeypatch, settings):
    """No schedule running and no recurring work registered but the test's own (for its length)."""
    jobs.stop()
    monkeypatch.setattr(jobs, "_recurring", [])
    settings.WORKER = "thread"
    yield
    jobs.stop()


@pytest.mark.parametrize(
    ("argv", "run_main", "starts"),
    [
        (["manage.py", "runserver"], None, False),  # the autoreloader's parent: it only watches the files
        (["manage.py", "runserver"], "true", True),  # its child, which serves
        (["manage.py", "runserver", "--noreload", "127.0.0.1:8000"], None, True),  # make run
        (["manage.py", "migrate"], None, False),  # not serving: the first request starts it
    ],
)
def test_runserver_starts_the_schedule_only_in_the_process_that_serves(
    fresh_schedule, monkeypatch, argv, run_main, starts
):
    monkeypatch.setattr(sys, "argv", argv)
    if run_main is None:
        monkeypatch.delenv("RUN_MAIN", raising=False)
    else:
        monkeypatch.setenv("RUN_MAIN", run_main)
    jobs.recurring(Task(), next_due=lambda: None)
    assert (jobs._scheduler is not None) == starts
    if starts:
        thread = jobs._scheduler[1]
        assert thread.is_alive()
        jobs.stop()
        assert not thread.is_alive() and jobs._scheduler is None


def test_the_schedule_goes_on_after_an_error(fresh_schedule):
    """An error in one look (here: next_due() answers something that is not a moment) is logged; the
    schedule looks again."""
    looks, again = [], threading.Event()

    def next_due():
        looks.append(1)
        if len(looks) == 1:
            return 5  # not a moment
        again.set()
        return None

    jobs.recurring(Task(), next_due=next_due)
    jobs.start()
    wait_for(lambda: looks, 10)
    jobs.wake()
    assert again.wait(10)
    assert jobs._scheduler[1].is_alive()


@pytest.mark.django_db
def test_a_request_starts_a_schedule_that_has_stopped(fresh_schedule):
    jobs.recurring(Task(), next_due=lambda: None)
    ended = threading.Thread(target=lambda: None)
    ended.start()
    ended.join()
    jobs._scheduler = (os.getpid(), ended, threading.Event())  # as a schedule thread that died
    request_started.send(sender=None)
    assert jobs._scheduler[1] is not ended and jobs._scheduler[1].is_alive()
