"""Rate limiting per token (TOEGANG_API_RATE, default 600 per minute); 429 with Retry-After beyond it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from toegang.api.authentication import Credential


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self) -> str:
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        credential = request.auth
        if not isinstance(credential, Credential):
            return None  # unauthenticated requests are refused before they cost anything
        return f"toegang-api-throttle:{credential.key}"
