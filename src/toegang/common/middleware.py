"""Deny by default: every page needs a logged-in user, except the login page, static files and the personal
links of participants in a decision project (/inbreng/<token>/: the unguessable token is the key)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

PUBLIC_PREFIXES = ("/inloggen/", "/static/", "/gezondheid/", "/oidc/", "/inbreng/", "/api/")  # API: bearer tokens

BRP_FAKE_PREFIX = "/fake/haalcentraal/"  # mounted only with TOEGANG_BRP_FAKE=1 (people/brp/fake.py)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = request.path.startswith(PUBLIC_PREFIXES) or (
            settings.BRP_FAKE and request.path.startswith(BRP_FAKE_PREFIX)  # a fake registry, not our data
        )
        if not request.user.is_authenticated and not public:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
