"""The way out to the receivers (docs/events.md §3 and §5): which addresses Toegang posts to, and the HTTP
connection of one delivery with its deadline.

**Addresses.** A callback URL is checked when the subscription is made (``refusal`` for a literal address,
and for a name, the addresses it resolves to then) and again at every connection, on the addresses that
the connection actually uses (names resolve anew: DNS may have changed; there is no gap between the check
and the connection). Never: link-local addresses (169.254.0.0/16, fe80::/10, among them the cloud metadata
service 169.254.169.254), the unspecified, multicast, broadcast and reserved ranges, and fd00:ec2::254;
also not when they hide in an IPv6 form (``::ffff:169.254.169.254``, 6to4, Teredo, NAT64 in 64:ff9b::/96 and
the local-use 64:ff9b:1::/48); the obsolete IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96)
forms and other reserved IPv6 ranges are refused outright. Addresses that are not public (10/8, 172.16/12,
192.168/16, 100.64/10, fc00::/7, this machine, …) only when they lie in a network of the setting
EVENTS_INTERNAL_NETWORKS (conf/settings.py, from ``TOEGANG_EVENTS_INTERNAL_NETWORKS``, comma separated, e.g.
``10.20.0.0/16,192.168.5.10``; checked when the process starts): a municipality's own receiver may be internal, but an
administrator's screen is no way into the rest of the network. 127.0.0.1 and ::1 are also allowed while
EVENTS_ALLOW_HTTP_LOCALHOST is on (demo and tests).

**Deadline.** ``post`` gives one delivery EVENTS_TIMEOUT_SECONDS in all: resolving the name, connecting,
TLS, sending and reading the whole answer. requests and urllib3 only bound each socket operation (a
receiver that sends one byte a second never trips them), so a timer shuts the connection's socket down
when the deadline passes; whatever was waiting on it returns at once. Name resolution, which no socket
timeout bounds, runs in a small pool of threads and is given up on at the deadline."""

from __future__ import annotations

import contextlib
import functools
import http
import ipaddress
import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import allowed_gai_family, create_connection

from toegang.common import outgoing

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

USER_AGENT = "Toegang-webhooks/1.0"
MAX_BODY = 64 * 1024  # of a receiver's answer: read to keep the connection for the next request, never more
LANES = 8  # subscriptions a batch sends to at the same time (delivery.py), each in a thread of its own
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_ADDRESSES = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
NEVER: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network", 0.0.0.0
        "169.254.0.0/16",  # link-local, with the metadata service of the clouds
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, with the broadcast address 255.255.255.255
        "::/128",
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
        "fd00:ec2::254/128",  # the metadata service over IPv6 (AWS)
    )
)
NAT64 = (
    ipaddress.ip_network("64:ff9b::/96"),  # the well-known prefix (RFC 6052)
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use (RFC 8215); judged by the last 32 bits, as a /96 uses it
)
OBSOLETE_IPV4_FORMS = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated; ::1 and :: are judged on their own)
    ipaddress.ip_network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
)
RESOLVE_AT_CREATION_SECONDS = 2.0


# --- the address policy -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"EVENTS_INTERNAL_NETWORKS: '{entry.strip()}' is geen IP-adres of netwerk "
                "(bijvoorbeeld 10.20.0.0/16 of 192.168.5.10)."
            ) from None
    return tuple(networks)


def internal_networks() -> tuple[Network, ...]:
    """The internal networks receivers may be in: the setting EVENTS_INTERNAL_NETWORKS (a list of networks,
    checked by conf/settings.py when the process starts). Raises ImproperlyConfigured for an entry that is not
    an address or network (only an override can bring one in)."""
    return _parse_networks(tuple(str(entry) for entry in settings.EVENTS_INTERNAL_NETWORKS))


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64 and local-use NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in prefix for prefix in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why Toegang does not post to this address (a Dutch phrase starting "dit is"), or None when it may.
    An IPv6 form of an IPv4 address (mapped, 6to4, Teredo, NAT64) is judged as that IPv4 address."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return refusal(inner)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
    if any(ip in network for network in NEVER) or _obsolete_or_reserved(ip):
        return (
            "dit is een link-local, multicast of ander bijzonder adres (zoals 169.254.169.254); "
            "daarheen stuurt Toegang nooit"
        )
    if ip in LOCAL_ADDRESSES and settings.EVENTS_ALLOW_HTTP_LOCALHOST:
        return None
    if ip.is_global or any(ip in network for network in internal_networks()):
        return None
    if ip.is_loopback:
        return "dit is een adres van deze machine; dat mag alleen in de demo (127.0.0.1, localhost of ::1)"
    return (
        "dit is een intern adres; een ontvanger in het eigen netwerk moet eerst door de technisch beheerder "
        "worden toegestaan (TOEGANG_EVENTS_INTERNAL_NETWORKS)"
    )


def _obsolete_or_reserved(ip: IPAddress) -> bool:
    """An IPv6 address in an obsolete IPv4 form (::/96, ::ffff:0:0:0/96) or another reserved range (what
    Python calls reserved, such as ::/8, and does not call global); this machine's ::1 is judged on its own."""
    if not isinstance(ip, ipaddress.IPv6Address) or ip.is_loopback:
        return False
    return any(ip in network for network in OBSOLETE_IPV4_FORMS) or (ip.is_reserved and not ip.is_global)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


# --- name resolution with a deadline --------------------------------------------------------------------

_resolver_lock = threading.Lock()
_resolver: tuple[int, ThreadPoolExecutor] | None = None


getaddrinfo = socket.getaddrinfo  # of names (the tests put a fixed answer here)


def _resolver_pool() -> ThreadPoolExecutor:
    """Threads for getaddrinfo, which no socket timeout bounds: two per lane, so that a lookup left hanging
    after its deadline does not make the next lane's wait for a thread (one pool per process: a forked Celery
    child makes its own)."""
    global _resolver
    with _resolver_lock:
        if _resolver is None or _resolver[0] != os.getpid():
            _resolver = (os.getpid(), ThreadPoolExecutor(max_workers=2 * LANES, thread_name_prefix="webhook-dns"))
        return _resolver[1]


def resolve(host: str, port: int, seconds: float) -> list[tuple[IPAddress, tuple[Any, ...]]]:
    """The addresses of ``host`` (address, socket address), within ``seconds``: raises TimeoutError after
    that (the lookup itself goes on in its thread until the system's resolver gives up) and OSError when
    the name does not resolve."""
    literal = _literal(host)
    if literal is not None:
        infos = socket.getaddrinfo(str(literal), port, allowed_gai_family(), socket.SOCK_STREAM)
    else:
        future = _resolver_pool().submit(getaddrinfo, host, port, allowed_gai_family(), socket.SOCK_STREAM)
        try:
            infos = future.result(timeout=max(seconds, 0.001))
        except TimeoutError:
            future.cancel()  # still queued: it never runs; running: it ends in its own time
            raise
    found: list[tuple[IPAddress, tuple[Any, ...]]] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if (ip, sockaddr) not in found:
            found.append((ip, sockaddr))
    return found


def refusal_of_host(host: str) -> str | None:
    """For the subscription form: why this host is refused now, or None. A literal address is judged as
    is; a name by the addresses it resolves to now (a name that does not resolve yet, or not within a few
    seconds, is allowed here and checked again at every delivery)."""
    literal = _literal(host)
    if literal is not None:
        return refusal(literal)
    try:
        addresses = resolve(host, 443, RESOLVE_AT_CREATION_SECONDS)
    except (OSError, UnicodeError, ValueError):
        return None
    for ip, _sockaddr in addresses:
        reason = refusal(ip)
        if reason is not None:
            return reason.replace("dit is", f"{host} wijst naar", 1)
    return None


# --- the deadline of one delivery -------------------------------------------------------------------------


class Deadline:
    """The time one delivery may take. While it runs, the connections it uses register here; when it
    passes, a timer shuts their sockets down (a dup of the descriptor, so also during the TLS handshake)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.until = time.monotonic() + seconds
        self.expired = False
        self.refused: str | None = None  # why the address was refused (set by the connection)
        self._lock = threading.Lock()
        self._connections: list[_Guarded] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return self.until - time.monotonic()

    def watch(self, connection: _Guarded) -> None:
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            if self.expired:
                connection.abort()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                connection.abort()

    def __enter__(self) -> Deadline:
        _local.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _local.deadline = None
        with self._lock:
            self._connections.clear()


_local = threading.local()


def _current() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _Guarded(HTTPConnection):
    """A urllib3 connection that checks the addresses it connects to and that its delivery's deadline can
    cut off (``abort``)."""

    _watch_socket: socket.socket | None = None
    _watch_lock: threading.Lock

    def _new_conn(self) -> socket.socket:
        deadline = _current()
        seconds = deadline.remaining() if deadline is not None else 30.0
        try:
            addresses = resolve(self._dns_host, self.port, seconds)
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"Naam van {self.host} niet op tijd opgezocht.") from error
        except OSError as error:
            raise NewConnectionError(self, f"Naam van {self.host} niet gevonden: {error}") from error
        for ip, _sockaddr in addresses:
            reason = refusal(ip)
            if reason is not None:
                if deadline is not None:
                    named = _literal(self.host) is None
                    deadline.refused = reason.replace("dit is", f"{self.host} wijst naar", 1) if named else reason
                logger.warning("Webhook naar %s geweigerd: %s wijst naar %s", self.host, self.host, ip)
                raise NewConnectionError(self, f"{self.host}: adres geweigerd")
        last: OSError | None = None
        for ip, sockaddr in addresses:
            timeout = max(deadline.remaining(), 0.001) if deadline is not None else self.timeout
            try:
                sock = create_connection(
                    (str(ip), sockaddr[1]),
                    timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(self, f"Verbinding met {self.host} niet op tijd.") from error
            except OSError as error:
                last = error
                continue
            self._watch_lock = getattr(self, "_watch_lock", None) or threading.Lock()
            with self._watch_lock:
                if self._watch_socket is not None:
                    self._watch_socket.close()
                self._watch_socket = sock.dup()
            if deadline is not None:
                deadline.watch(self)
            return sock
        raise NewConnectionError(self, f"Geen verbinding met {self.host}: {last}") from last

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = _current()
        if deadline is not None and self.sock is not None:
            deadline.watch(self)  # a kept-alive connection, used again
        super().request(*args, **kwargs)

    def abort(self) -> None:
        """Shut the socket down (from the deadline's timer): a read or write waiting on it returns now."""
        lock = getattr(self, "_watch_lock", None)
        if lock is None:
            return
        with lock:
            if self._watch_socket is not None:
                with contextlib.suppress(OSError):  # already closed by the other side
                    self._watch_socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        try:
            super().close()
        finally:
            lock = getattr(self, "_watch_lock", None)
            if lock is not None:
                with lock:
                    if self._watch_socket is not None:
                        self._watch_socket.close()
                        self._watch_socket = None


class _GuardedHTTPConnection(_Guarded):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A keep-alive session for one run of deliveries: the guarded connections, no proxy from the
    environment, no redirects (``post`` asks for none)."""
    made = requests.Session()
    made.headers["User-Agent"] = USER_AGENT
    made.trust_env = False
    adapter = _Adapter()
    made.mount("http://", adapter)
    made.mount("https://", adapter)
    return made


# --- one POST ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """What came of one POST: the status (None without one), the error for the screen (empty after a
    2xx), and whether the receiver is to be left alone for the rest of the round (unreachable, refused,
    or too slow)."""

    status: int | None
    error: str
    stop: bool


def status_line(code: int) -> str:
    """``HTTP 500 Internal Server Error``: the code and its standard phrase, never the receiver's words."""
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        return f"HTTP {code}"
    line = f"HTTP {code} {phrase}"
    if 300 <= code < 400:
        line += " (doorverwijzingen worden niet gevolgd)"
    return line


def post(client: requests.Session, url: str, payload: bytes, headers: dict[str, str]) -> Answer:
    """POST within the deadline; reads at most MAX_BODY bytes of the answer, and no redirect is followed.
    The status counts: an answer whose body is cut off by the deadline or the cap still delivers with a
    2xx (the connection is then closed)."""
    seconds = settings.EVENTS_TIMEOUT_SECONDS
    late = f"Geen volledig antwoord binnen {seconds:g} s."
    with Deadline(seconds) as deadline:
        try:
            response = client.post(
                url, data=payload, headers=headers, timeout=(seconds, seconds), allow_redirects=False, stream=True
            )
        except requests.RequestException as error:
            if deadline.refused:
                return Answer(None, f"Adres geweigerd: {deadline.refused}.", True)
            if deadline.expired or isinstance(error, requests.Timeout):
                return Answer(None, late, True)
            if isinstance(error, requests.ConnectionError):
                return Answer(None, f"Geen verbinding: {outgoing.reason(error, urlsplit(url).hostname or '')}.", True)
            return Answer(None, f"Verzenden mislukt: {type(error).__name__}.", False)
        slow = False
        try:
            read = 0
            for part in response.iter_content(16 * 1024):
                read += len(part)
                if read >= MAX_BODY:
                    break  # the rest is not read: the connection is closed below, not kept
        except requests.RequestException:
            slow = deadline.expired  # otherwise the receiver broke the connection: the status counts
        finally:
            response.close()
    if deadline.expired:
        client.close()  # a socket may have been shut down after its answer came in: start afresh
    code = response.status_code
    if 200 <= code < 300:
        return Answer(code, "", slow)
    return Answer(code, status_line(code) + (f"; daarna {late[0].lower()}{late[1:]}" if slow else ""), slow)
