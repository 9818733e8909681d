"""Deny by default: every page needs a logged-in user, except the login pages, static files and the personal
links of participants in a decision project (/inbreng/<token>/: the unguessable token is the key).

Residents and staff are kept apart here, once for every URL: a resident's account reaches only the portal
(/mijn/); a visitor who is not logged in is sent to the portal's DigiD login for a portal page and to the
staff login for any other page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PUBLIC_PREFIXES = (
    "/inloggen/",
    "/static/",
    "/gezondheid/",
    "/oidc/",
    "/inbreng/",
    "/api/",  # bearer tokens
    "/mijn/inloggen/",
    "/mijn/digid/",
    "/digid-simulatie/",  # 404 unless the simulator is on (portal/simulator.py)
)
PORTAL_PREFIX = "/mijn/"
RESIDENT_PREFIXES = (PORTAL_PREFIX, "/static/", "/gezondheid/", "/digid-simulatie/")

BRP_FAKE_PREFIX = "/fake/haalcentraal/"  # mounted only with TOEGANG_BRP_FAKE=1 (people/brp/fake.py)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = request.path.startswith(PUBLIC_PREFIXES) or (
            settings.BRP_FAKE and request.path.startswith(BRP_FAKE_PREFIX)  # a fake registry, not our data
        )
        user = request.user
        if not user.is_authenticated and not public:
            return redirect_to_login(request.get_full_path(), login_url_for(request.path))
        if (
            user.is_authenticated
            and getattr(user, "role", "") == "inwoner"
            and not request.path.startswith(RESIDENT_PREFIXES)
        ):
            return redirect(PORTAL_PREFIX)
        return self.get_response(request)


def login_url_for(path: str) -> str:
    return "/mijn/inloggen/" if path.startswith(PORTAL_PREFIX) else settings.LOGIN_URL
