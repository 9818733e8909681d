"""On whose behalf the current request acts (NEN 7513). Set when a stand-in (waarnemer) opens a dossier
of the colleague they stand in for (cases.selectors); every audit row of the rest of that request then
names the absent colleague in ``on_behalf_of``. Reset by the middleware at the end of each request."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

on_behalf_of: contextvars.ContextVar[str] = contextvars.ContextVar("audit_on_behalf_of", default="")


def act_on_behalf_of(username: str | None) -> None:
    if username:
        on_behalf_of.set(username)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = on_behalf_of.set("")
        try:
            return self.get_response(request)
        finally:
            on_behalf_of.reset(token)
