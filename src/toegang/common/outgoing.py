"""Why an outgoing request got no connection, in words a functional administrator can act on (webhooks, the
ZGW registry): the exception libraries raise (``requests.ConnectionError`` wrapping urllib3's wrapping the
socket's) names only its class, and "ConnectionError" is the same for a name that does not exist, a receiver
that refuses and a certificate that does not match."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

import requests
from urllib3.exceptions import NameResolutionError


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and every error it was raised from or wraps (``__cause__``, ``__context__``, urllib3's
    ``reason``, exceptions among the arguments), each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [error]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo.extend(e for e in linked if isinstance(e, BaseException))


def reason(error: BaseException, host: str = "") -> str:
    """The cause in Dutch: "de naam … is niet te vinden in de DNS", "de verbinding wordt geweigerd; …", …"""
    name = f"de naam {host}" if host else "de naam"
    chain = list(_chain(error))
    if any(isinstance(e, NameResolutionError | socket.gaierror) for e in chain) or any(
        "Naam van" in str(e) and "niet gevonden" in str(e) for e in chain
    ):
        return f"{name} is niet te vinden in de DNS"
    if any(isinstance(e, requests.exceptions.SSLError | ssl.SSLError) for e in chain):
        return "de TLS-verbinding mislukt; klopt het certificaat?"
    if any(isinstance(e, requests.Timeout | TimeoutError | socket.timeout) for e in chain):
        return "geen antwoord binnen de tijd"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or any(
        getattr(e, "errno", None) == errno.ECONNREFUSED for e in chain
    ):
        return "de verbinding wordt geweigerd; draait de dienst op dit adres?"
    if any(getattr(e, "errno", None) in (errno.ENETUNREACH, errno.EHOSTUNREACH) for e in chain):
        return "het adres is niet bereikbaar vanaf deze server"
    if any(isinstance(e, ConnectionResetError) for e in chain):
        return "de verbinding werd verbroken"
    return "geen verbinding"
