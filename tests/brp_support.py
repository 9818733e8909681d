"""Shared by the BRP tests: the fake served by pytest-django's live_server, so the whole client path
(requests, HTTP, the fake's validation) runs; no mocking of requests."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import cache

from toegang.people.brp.fake import STATE

FAKE_PATH = "/fake/haalcentraal/api/brp"
API_KEY = "test-sleutel-niet-geheim"

# live_server makes a test transactional; serialized_rollback restores the rows of the data migrations
# (processing register, life domains, ...) that the flush after the test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def brp(live_server, settings):
    """The BRP of the application is the fake on the live server, with an API key; a clean cache."""
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
