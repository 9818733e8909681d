"""On whose behalf the current request acts (NEN 7513). Set when a stand-in (waarnemer) opens a dossier
of the colleague they stand in for (cases.selectors); every audit row of the rest of that request then
names the absent colleague in ``on_behalf_of``. In the resident portal, a legal representative acting for
someone else: every row of that request names the representation in its detail. Both are reset by the
middleware at the end of each request."""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

on_behalf_of: contextvars.ContextVar[str] = contextvars.ContextVar("audit_on_behalf_of", default="")
representation: contextvars.ContextVar[str] = contextvars.ContextVar("audit_representation", default="")


def act_on_behalf_of(username: str | None) -> None:
    if username:
        on_behalf_of.set(username)


def act_as_representative(ground: str) -> None:
    if ground:
        representation.set(ground)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token, represented = on_behalf_of.set(""), representation.set("")
        try:
            return self.get_response(request)
        finally:
            on_behalf_of.reset(token)
            representation.reset(represented)
