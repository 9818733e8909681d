"""Which emergency access (break-the-glass) is active in this request, without a database query: the
grant is remembered in the session when it is made, and every audit row written while it runs is
flagged (audit.services.record reads ``current_emergency``)."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SESSION_KEY = "toegang_emergency"
current_emergency: contextvars.ContextVar[str] = contextvars.ContextVar("current_emergency", default="")


def remember(request: HttpRequest, *, access_id: int, expires_at: dt.datetime) -> None:
    grants = [g for g in request.session.get(SESSION_KEY, []) if g[0] != access_id]
    grants.append([access_id, expires_at.timestamp()])
    request.session[SESSION_KEY] = grants


def active_grants(request: HttpRequest) -> list[tuple[int, dt.datetime]]:
    now = timezone.now().timestamp()
    session = getattr(request, "session", None)
    grants = session.get(SESSION_KEY, []) if session is not None else []
    return [(int(g[0]), dt.datetime.fromtimestamp(g[1], tz=dt.UTC)) for g in grants if g[1] > now]


class EmergencyContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        grants = active_grants(request)
        token = current_emergency.set(", ".join(f"noodtoegang {gid}" for gid, _ in grants))
        try:
            return self.get_response(request)
        finally:
            current_emergency.reset(token)
