"""Logins, logouts and failed logins in the audit log (NEN 7513 asks for them). Django announces these
through its auth signals, the one place they are known; the receivers only call audit.record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from toegang.audit import services as audit


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action=audit.Action.LOGIN, object_type="sessie")


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=audit.Action.LOGOUT, object_type="sessie")


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit.record(
        actor=None,
        actor_name=str(credentials.get("username", ""))[:150],
        action=audit.Action.LOGIN_FAILED,
        object_type="sessie",
    )
