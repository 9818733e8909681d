"""On whose behalf the current request acts (NEN 7513). Set when a stand-in (waarnemer) opens a dossier
of the colleague they stand in for (cases.selectors); every audit row of the rest of that request then
names the absent colleague in ``on_behalf_of``. In the resident portal, a legal representative acting for
someone else: every row of that request names the representation in its detail. Both are reset by the
middleware at the end of each request.

The middleware also lets a read's audit row be committed while the page renders (``defer_commit``,
ADR 0017) and waits for that commit before the response leaves: when it failed, the response is a 503
instead of the data."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from contextlib import suppress

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

on_behalf_of: contextvars.ContextVar[str] = contextvars.ContextVar("audit_on_behalf_of", default="")
representation: contextvars.ContextVar[str] = contextvars.ContextVar("audit_representation", default="")
logger = logging.getLogger("toegang.audit")
# True only inside the middleware below, for a GET or HEAD (no effects beyond the answer), which settles
# the commit before the response leaves; a row recorded anywhere else (a streamed export's body, a POST,
# a worker, a command) is committed before record returns.
defer_commit: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_defer_commit", default=False)


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
        take_failed_commit = getattr(connection, "take_failed_commit", None)  # PostgreSQL (common/pgbackend)
        if take_failed_commit is not None:
            take_failed_commit()  # a failure belongs to the request that met it
        token, represented = on_behalf_of.set(""), representation.set("")
        deferring = defer_commit.set(request.method in ("GET", "HEAD"))
        try:
            response = self.get_response(request)
        finally:
            defer_commit.reset(deferring)
            on_behalf_of.reset(token)
            representation.reset(represented)
        if take_failed_commit is None:
            return response
        with suppress(DatabaseError):
            connection.settle()  # type: ignore[attr-defined]  # a failure is kept for take_failed_commit
        if (failed := take_failed_commit()) is not None:
            logger.error("%s; antwoord vervangen door 503", failed)
            response.close()
            return unlogged(request)
        return response


def unlogged(request: HttpRequest) -> HttpResponse:
    """The answer when the audit row of the request could not be committed: no data without its row."""
    if request.path_info.startswith("/api/"):
        from toegang.api.problems import PROBLEM_JSON, problem

        body = problem(503, "Het verzoek kon niet worden vastgelegd in het logboek; probeer het later opnieuw.")
        response: HttpResponse = JsonResponse(body, status=503, content_type=PROBLEM_JSON)
        response["Retry-After"] = "30"
        return response
    from toegang.common.views import database_unavailable

    return database_unavailable()
