"""Subscription secrets and signatures.

A subscription's secret signs every delivery (HMAC-SHA256), so Toegang must be able to read it back: it
cannot be stored as a hash. It is stored encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under a key
derived with HKDF-SHA256 from the setting EVENTS_KEY (environment TOEGANG_EVENTS_KEY, by default the
secret key). A copy of the database or a backup alone does not reveal the secrets; someone who also has
the key does, and so does the running application (it has to sign). Changing the key makes the stored
secrets unreadable: the deliveries of those subscriptions then fail with a message saying so, and the
administrator makes the subscriptions again (docs/events.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SIGNATURE_HEADER = "Toegang-Signature"


class UnreadableSecret(Exception):
    """The stored secret cannot be decrypted with the current key (the key changed)."""


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"toegang.events", info=b"webhook-secrets").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def new_secret() -> str:
    """A fresh secret of 32 random bytes, URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return _fernet(settings.EVENTS_KEY).encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.EVENTS_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret from None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body under the secret>``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(header: str, body: bytes, secret: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (docs/events.md): recompute the MAC over the timestamp and the raw body, compare
    in constant time, and refuse a timestamp more than ``tolerance`` seconds away (replays)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
