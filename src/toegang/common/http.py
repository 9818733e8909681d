"""A readable page for "method not allowed": a form URL opened directly (bookmark, reload after an
error) would otherwise show Django's empty 405 response."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class FriendlyMethodNotAllowedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.path_info.startswith("/api/"):
            from toegang.api.problems import method_not_allowed  # the API answers in problem details

            return method_not_allowed(request, response.get("Allow", ""))
        if response.status_code == 405 and not response.content:
            from toegang.common.views import error_page  # the portal's layout under /mijn/

            friendly = error_page(request, "405.html", 405)
            if "Allow" in response:
                friendly["Allow"] = response["Allow"]
            return friendly
        return response
