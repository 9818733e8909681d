"""Shared by the BRP tests: the fake served by pytest-django's live_server, so the whole client path
(requests, HTTP, the fake's validation) runs; no mocking of requests."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache

from toegang.people.brp.fake import STATE

FAKE_PATH = "/fake/haalcentraal/api/brp"
API_KEY = "test-sleutel-niet-geheim"


@pytest.fixture
def brp(request, settings):
    """The BRP of the application is the fake on pytest-django's live server, with an API key; a clean cache.

    The live server is asked for here, not named as a parameter: naming it makes pytest-django run the test
    in a transaction that is flushed afterwards, and the flush fails on the append-only audit tables. The fake
    reads no database, so the tests keep their ordinary rolled-back transaction."""
    live_server = request.getfixturevalue("live_server")
    settings.BRP_URL = live_server.url + FAKE_PATH
    settings.BRP_API_KEY = API_KEY
    STATE.reset()
    cache.clear()
    yield STATE
    STATE.reset()
    cache.clear()


def closed_port_url() -> str:
    """A URL on localhost where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/haalcentraal/api/brp"
