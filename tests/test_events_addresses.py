"""Where webhooks may go (finding 7 of the events review): never to link-local and other special addresses
(the cloud metadata service), to internal ones only when the technical administrator lists their network
(TOEGANG_EVENTS_INTERNAL_NETWORKS), http only to 127.0.0.1, localhost and ::1 in the demo; checked when the
subscription is made and again at every delivery, on the addresses actually connected to; and the screen
shows a receiver's failure as a status line, never the receiver's own words."""

from __future__ import annotations

import ipaddress
import os
import re
import subprocess
import sys
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from tests.test_events_delivery import Receiver, fixed_dns, publish, subscribe  # noqa: F401 - fixed_dns: autouse
from tests.test_events_delivery_limits import Scripted
from toegang.common.errors import DomainError
from toegang.events import catalogue, delivery, services
from toegang.events.models import Delivery, Subscription


def make(world, url: str) -> Subscription:
    return services.create_subscription(
        actor=world.admin, name="Ontvanger", callback_url=url, event_types=[catalogue.PLAN_AGREED]
    )[0]


@pytest.mark.parametrize(
    ("url", "allow_local", "message"),
    [
        ("https://169.254.169.254/latest/meta-data/", False, "link-local, multicast of ander bijzonder adres"),
        ("https://169.254.169.254/latest/meta-data/", True, "link-local, multicast of ander bijzonder adres"),
        ("https://[fe80::1]/hook", False, "link-local"),
        ("https://[::ffff:169.254.169.254]/hook", False, "link-local"),  # the same address in IPv6 clothing
        ("https://[64:ff9b::a9fe:a9fe]/hook", False, "link-local"),  # and through NAT64
        ("https://[64:ff9b:1::a9fe:a9fe]/hook", False, "link-local"),  # local-use NAT64 (RFC 8215)
        ("https://[::a9fe:a9fe]/hook", False, "bijzonder adres"),  # IPv4-compatible (::/96)
        ("https://[::7f00:1]/hook", True, "bijzonder adres"),
        ("https://[::ffff:0:7f00:1]/hook", True, "bijzonder adres"),  # IPv4-translated (::ffff:0:0:0/96)
        ("https://[fd00:ec2::254]/hook", False, "bijzonder adres"),
        ("https://0.0.0.0/hook", False, "bijzonder adres"),
        ("https://224.0.0.1/hook", False, "bijzonder adres"),
        ("https://10.1.2.3/hook", False, "intern adres"),
        ("https://192.168.1.5:8443/hook", False, "intern adres"),
        ("https://172.16.0.9/hook", False, "intern adres"),
        ("https://100.64.0.1/hook", False, "intern adres"),
        ("https://[fd12:3456::1]/hook", False, "intern adres"),
        ("https://127.0.0.1/hook", False, "adres van deze machine"),
        ("https://localhost/hook", False, "localhost wijst naar"),  # a name: judged by what it resolves to
        ("http://127.0.0.2:8172/hook", True, "gebruik https"),  # only 127.0.0.1, localhost and ::1
        ("https://127.0.0.2:8172/hook", True, "adres van deze machine"),
    ],
)
def test_special_and_internal_addresses_are_refused_naming_the_field(world, settings, url, allow_local, message):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = allow_local
    settings.EVENTS_INTERNAL_NETWORKS = ["169.254.0.0/16", "fe80::/10"] if allow_local else []  # never for these
    with pytest.raises(DomainError, match=re.escape(message)) as error:
        make(world, url)
    assert error.value.field == "callback_url" and error.value.message.startswith("Callback-URL: ")
    assert not Subscription.objects.exists()


def test_an_internal_receiver_is_allowed_when_its_network_is_listed(world, settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = False
    settings.EVENTS_INTERNAL_NETWORKS = ["10.20.0.0/16", "192.168.5.10/32"]
    assert make(world, "https://10.20.3.4/hook").callback_url == "https://10.20.3.4/hook"
    assert make(world, "https://192.168.5.10/hook").callback_url == "https://192.168.5.10/hook"
    with pytest.raises(DomainError, match="intern adres"):
        make(world, "https://192.168.5.11/hook")
    assert make(world, "https://[2001:4860:4860::8888]/hook")  # a public address needs no listing


@pytest.mark.parametrize(
    ("address", "verdict"),
    [
        ("8.8.8.8", None),
        ("2a00:1450::1", None),
        ("169.254.169.254", "bijzonder adres"),
        ("fe80::1", "bijzonder adres"),
        ("::ffff:169.254.169.254", "bijzonder adres"),  # IPv4-mapped
        ("64:ff9b::a9fe:a9fe", "bijzonder adres"),  # NAT64, well-known prefix
        ("64:ff9b:1::a9fe:a9fe", "bijzonder adres"),  # NAT64, local-use prefix (RFC 8215)
        ("64:ff9b:1::a00:1", "intern adres"),  # ... judged as the IPv4 address in its last 32 bits
        ("64:ff9b:1::808:808", None),
        ("::a9fe:a9fe", "bijzonder adres"),  # IPv4-compatible (::/96, deprecated)
        ("::7f00:1", "bijzonder adres"),
        ("::ffff:0:7f00:1", "bijzonder adres"),  # IPv4-translated (::ffff:0:0:0/96)
        ("::ffff:0:a9fe:a9fe", "bijzonder adres"),
        ("255.255.255.255", "bijzonder adres"),
        ("::", "bijzonder adres"),
        ("ff02::1", "bijzonder adres"),
        ("10.0.0.1", "intern adres"),
        ("::ffff:10.0.0.1", "intern adres"),
        ("192.168.0.1", "intern adres"),
        ("fc00::1", "intern adres"),
        ("100.64.0.1", "intern adres"),
        ("::1", "adres van deze machine"),
    ],
)
def test_the_policy_of_each_address(settings, address, verdict):
    from toegang.events import outbound

    settings.EVENTS_ALLOW_HTTP_LOCALHOST = False
    settings.EVENTS_INTERNAL_NETWORKS = []
    reason = outbound.refusal(ipaddress.ip_address(address))
    assert reason is None if verdict is None else verdict in reason, (address, reason)


def test_a_listed_network_never_opens_an_obsolete_ipv6_form(settings):
    from toegang.events import outbound

    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True
    settings.EVENTS_INTERNAL_NETWORKS = ["::/96", "::ffff:0:0:0/96", "127.0.0.0/8", "169.254.0.0/16"]
    for address in ("::a9fe:a9fe", "::7f00:1", "::ffff:0:7f00:1", "64:ff9b:1::a9fe:a9fe"):
        assert "bijzonder adres" in outbound.refusal(ipaddress.ip_address(address)), address
    assert outbound.refusal(ipaddress.ip_address("::1")) is None  # the demo's own ::1 stays allowed


def _settings_with(value: str) -> subprocess.CompletedProcess[str]:
    import toegang

    source = os.path.dirname(os.path.dirname(toegang.__file__))
    env = {**os.environ, "PYTHONPATH": source, "TOEGANG_DEMO": "1", "TOEGANG_EVENTS_INTERNAL_NETWORKS": value}
    code = "import toegang.conf.settings as s; print(s.EVENTS_INTERNAL_NETWORKS)"
    return subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_network_setting_is_read_and_checked_when_the_process_starts():
    """TOEGANG_EVENTS_INTERNAL_NETWORKS becomes the setting EVENTS_INTERNAL_NETWORKS (comma or semicolon
    separated); an entry that is not a network stops the start with a message naming the variable."""
    good = _settings_with("10.20.0.0/16, 192.168.5.10;fd12:3456::/48,10.1.2.3/8")
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "['10.20.0.0/16', '192.168.5.10/32', 'fd12:3456::/48', '10.0.0.0/8']"
    wrong = _settings_with("10.0.0.0/8,intern-netwerk")
    assert wrong.returncode != 0
    assert (
        "ImproperlyConfigured: TOEGANG_EVENTS_INTERNAL_NETWORKS: 'intern-netwerk' is geen IP-adres of netwerk"
        in wrong.stderr
    )


def test_a_wrong_policy_tells_the_administrator_whom_to_ask(world, settings):
    """Only an override can bring in a wrong entry now (the start checks the environment); the screen then
    says who can fix it, without the technical details."""
    settings.EVENTS_INTERNAL_NETWORKS = ["10.0.0.0/8", "intern-netwerk"]
    with pytest.raises(DomainError) as error:
        make(world, "https://10.1.2.3/hook")
    assert error.value.message == (
        "Callback-URL: het adresbeleid is verkeerd ingesteld; vraag de technisch beheerder "
        "(TOEGANG_EVENTS_INTERNAL_NETWORKS)."
    )


def test_the_name_is_looked_up_before_the_transaction(world, monkeypatch):
    """Looking a name up may take seconds: the service's transaction (on SQLite: the write lock) does not
    wait for it. (The test's own transaction is around everything: the service must add none.)"""
    from toegang.events import outbound

    looked_up = []
    resolve = outbound.resolve

    def watched(*args, **kwargs):
        looked_up.append(len(connection.atomic_blocks))  # the caller's thread: its connection
        return resolve(*args, **kwargs)

    monkeypatch.setattr(outbound, "resolve", watched)
    outside = len(connection.atomic_blocks)
    make(world, "https://ontvanger.example/hook")
    assert looked_up == [outside]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_every_delivery_checks_the_address_again(world, settings, host):
    """Allowed when made (the demo's local receiver), refused once the setting no longer allows it: the
    connection is never made, and the screen says why. For a name, the check is on what it resolves to at
    that moment (DNS may have changed since the subscription was made)."""
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True
    with Receiver() as receiver:
        url = receiver.url.replace("127.0.0.1", host)
        subscribe(world, url)
        publish(world, 2)
        settings.EVENTS_ALLOW_HTTP_LOCALHOST = False
        settings.EVENTS_INTERNAL_NETWORKS = []
        done = delivery.deliver_due()
    assert not receiver.requests
    assert done.failed == 1 and done.deferred == 1  # the rest of the batch waits: every one would be refused
    failed = Delivery.objects.get(state=Delivery.State.FAILED)
    expected = "Adres geweigerd: " + ("dit is" if host == "127.0.0.1" else f"{host} wijst naar")
    assert failed.last_error.startswith(expected) and "adres van deze machine" in failed.last_error


def test_the_screen_shows_a_status_line_never_the_receivers_words(world, settings):
    settings.EVENTS_ALLOW_HTTP_LOCALHOST = True

    def leaky(handler: BaseHTTPRequestHandler, _n):
        text = b"<html>stacktrace: db-wachtwoord=hunter2 at 10.0.0.5</html>"
        handler.send_response(500, "geheime-reden")
        handler.send_header("Content-Length", str(len(text)))
        handler.end_headers()
        handler.wfile.write(text)

    with Scripted(leaky) as receiver:
        subscribe(world, receiver.url)
        publish(world)
        delivery.deliver_due()
    failed = Delivery.objects.get()
    assert failed.last_status == 500 and failed.last_error == "HTTP 500 Internal Server Error"
