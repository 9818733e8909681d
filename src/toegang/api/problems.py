"""Errors as RFC 9457 problem details (application/problem+json): type, title, status, detail, and for
validation errors ``invalid-params`` naming each field. Every 4xx of the API has such a body."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from toegang.common.errors import DomainError

logger = logging.getLogger("django.request")

PROBLEM_JSON = "application/problem+json"
VALIDATION_TYPE = "urn:toegang:problem:ongeldige-invoer"

TITLES = {
    400: gettext_lazy("Ongeldig verzoek"),
    401: gettext_lazy("Niet geauthenticeerd"),
    403: gettext_lazy("Geen toestemming"),
    404: gettext_lazy("Niet gevonden"),
    405: gettext_lazy("Methode niet toegestaan"),
    406: gettext_lazy("Niet aanvaardbaar"),
    413: gettext_lazy("Verzoek te groot"),
    415: gettext_lazy("Mediatype niet ondersteund"),
    429: gettext_lazy("Te veel verzoeken"),
    500: gettext_lazy("Interne fout"),
    503: gettext_lazy("Tijdelijk niet beschikbaar"),
}


def problem(status_code: int, detail: str, *, type_: str = "about:blank", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": str(TITLES.get(status_code, _("Fout"))),
        "status": status_code,
        "detail": detail,
    }
    body.update(extra)
    return body


def _flatten(errors: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error structure as a flat list of {name, reason}; a nested field as ``a.b`` or ``a.0``."""
    if isinstance(errors, dict):
        params = []
        for key, value in errors.items():
            name = "" if key in ("non_field_errors", "__all__") and not prefix else str(key)
            params.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return params
    if isinstance(errors, list):
        if all(not isinstance(e, (dict, list)) for e in errors):
            return [{"name": prefix, "reason": str(e)} for e in errors]
        params = []
        for index, value in enumerate(errors):
            if value:
                params.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return params
    return [{"name": prefix, "reason": str(errors)}]


def invalid(params: list[dict[str, str]]) -> dict[str, Any]:
    first = params[0] if params else {"name": "", "reason": ""}
    detail = f"{first['name']}: {first['reason']}" if first["name"] else first["reason"]
    return problem(400, detail or str(_("De invoer is ongeldig.")), type_=VALIDATION_TYPE, **{"invalid-params": params})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        params = [{"name": exc.field or "", "reason": exc.message}]
        return Response(invalid(params), status=400, content_type=PROBLEM_JSON)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Niet gevonden, of u heeft er geen toegang toe."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:  # a fault of ours: logged with its traceback, answered without one
        logger.error("API-fout", exc_info=exc)
        set_rollback()
        body = problem(500, str(_("Er ging iets mis aan onze kant; probeer het later opnieuw.")))
        return Response(body, status=500, content_type=PROBLEM_JSON)
    if isinstance(exc, exceptions.Throttled):
        wait = f" over {int(exc.wait)} seconden" if exc.wait is not None else " later"
        body = problem(429, _("Te veel verzoeken met dit token; probeer het%(wait)s opnieuw.") % {"wait": wait})
    elif isinstance(exc, exceptions.MethodNotAllowed):
        body = _method_problem(context["request"].method)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = problem(415, _("Stuur de inhoud als application/json."))
    elif isinstance(exc, exceptions.NotAcceptable):
        body = problem(406, _("Deze API antwoordt alleen in JSON (application/json)."))
    elif isinstance(exc, exceptions.NotAuthenticated):
        body = problem(401, _("Stuur een token mee: Authorization: Bearer <token>."))
    elif isinstance(exc, exceptions.ValidationError):
        body = invalid(_flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        text = detail if isinstance(detail, str) else " ".join(str(d) for d in _flatten(detail))
        body = problem(response.status_code, str(text))
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


@csrf_exempt  # it changes nothing; without this a POST here got Django's CSRF page as HTML
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that names no resource. A path that lacks only its closing slash says so
    (a POST cannot be redirected there)."""
    detail = str(_("Onder dit adres is geen API-bron."))
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "api-not-found":
            detail = str(_("Onder dit adres is geen API-bron; bedoelt u %(path)s (met een / aan het eind)?")) % {
                "path": request.path + "/"
            }
    return JsonResponse(problem(status.HTTP_404_NOT_FOUND, detail), status=404, content_type=PROBLEM_JSON)


def _method_problem(method: str | None) -> dict[str, Any]:
    return problem(405, str(_("De methode %(m)s kan hier niet.")) % {"m": method})


def method_not_allowed(request: HttpRequest, allow: str) -> JsonResponse:
    """A 405 from outside DRF (the OAuth2 token endpoint answers GET with an empty 405)."""
    response = JsonResponse(_method_problem(request.method), status=405, content_type=PROBLEM_JSON)
    if allow:
        response["Allow"] = allow
    return response
