"""The garbage-collector freeze of a server process (common/gcfreeze.py, ADR 0016)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished
from django.test import Client

from toegang.common import gcfreeze


@pytest.fixture
def unfrozen() -> Iterator[None]:
    threshold = gc.get_threshold()
    gc.unfreeze()
    gc.disable()  # no automatic collection in between: only the freezer's own may free a cycle
    yield
    gc.enable()
    gc.unfreeze()  # the test process keeps collecting everything, as before
    gc.set_threshold(*threshold)


def test_freezes_after_the_chosen_requests_only(unfrozen: None) -> None:
    freezer = gcfreeze.Freezer(after=frozenset({1, 3}))
    counts = []
    for _ in range(4):
        freezer()
        counts.append(gc.get_freeze_count())
        gc.unfreeze()  # so that each step shows its own freeze
    assert [count > 0 for count in counts] == [True, False, True, False]


def test_garbage_of_before_the_freeze_is_collected_not_frozen(unfrozen: None) -> None:
    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle only the collector can free: frozen, it would live for ever
    alive = weakref.ref(a)
    del a, b
    gcfreeze.Freezer(after=frozenset({1}))()
    assert gc.get_freeze_count() > 0
    assert alive() is None


@pytest.mark.django_db
def test_installed_it_counts_the_responses_the_server_closes(unfrozen: None) -> None:
    freezer = gcfreeze.install()
    try:
        Client().get("/gezondheid/")
        Client().get("/gezondheid/")
    finally:
        request_finished.disconnect(dispatch_uid="toegang-gc-freeze")
    assert freezer.finished == 2
    assert gc.get_threshold()[0] == gcfreeze.YOUNGEST_THRESHOLD
    assert gc.get_freeze_count() > 0  # after the first
