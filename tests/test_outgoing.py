"""Why an outgoing request got no connection, in Dutch (common/outgoing.py): the libraries' own exceptions, raised
for real where that can be done here, built as urllib3 and requests build them where it cannot (a DNS answer)."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError

from toegang.common import outgoing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_is_named_as_such():
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get(f"http://127.0.0.1:{_free_port()}/", timeout=2)
    assert type(refused.value).__name__ == "ConnectionError"  # all the library says by itself
    assert outgoing.reason(refused.value) == "de verbinding wordt geweigerd; draait de dienst op dit adres?"


def test_a_name_that_does_not_resolve_is_named_with_the_host():
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as cause:
        name_error = NameResolutionError("ontvanger.example", None, cause)  # as urllib3 2 raises it
    wrapped = requests.ConnectionError(MaxRetryError(None, "/hook", name_error))  # as requests wraps it
    assert outgoing.reason(wrapped, "ontvanger.example") == "de naam ontvanger.example is niet te vinden in de DNS"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (requests.ConnectTimeout("te laat"), "geen antwoord binnen de tijd"),
        (requests.exceptions.SSLError(ssl.SSLError(1, "certificate verify failed")), "de TLS-verbinding mislukt"),
        (requests.ConnectionError(OSError(101, "Network is unreachable")), "het adres is niet bereikbaar"),
        (requests.ConnectionError("iets anders"), "geen verbinding"),
    ],
)
def test_other_causes(error, expected):
    assert outgoing.reason(error).startswith(expected)
