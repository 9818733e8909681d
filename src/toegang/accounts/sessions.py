"""Idle timeout: a session that has not been used for TOEGANG_IDLE_MINUTES (default 30) is logged out.
The moment of last use is written at most once a minute, so ordinary requests cost no extra query."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from toegang.common.middleware import login_url_for

LAST_SEEN = "toegang_last_seen"
WRITE_EVERY = 60  # seconds


@receiver(user_logged_in)
def start_clock(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, _("U was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in."))
                return redirect_to_login(request.get_full_path(), login_url_for(request.path))
            if last is None or now - last > WRITE_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
