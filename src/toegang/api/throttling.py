"""Rate limiting per token (TOEGANG_API_RATE, default 600 per minute); 429 with Retry-After beyond it.

The counts live in the ``ratelimit`` cache (conf/api.py): Redis when TOEGANG_RATE_LIMIT_URL names one,
so that every web process counts against the same limit, else each process's memory. When Redis does
not answer, the request goes through and the log says so: the rate limit protects the service, and a
cache outage should not become an outage of the API."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from toegang.api.authentication import Credential

logger = logging.getLogger(__name__)


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def __init__(self) -> None:
        self.cache = caches["ratelimit"]
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        credential = request.auth
        if not isinstance(credential, Credential):
            return None  # unauthenticated requests are refused before they cost anything
        return f"toegang-api-throttle:{credential.key}"

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            logger.warning("API-snelheidslimiet niet te controleren, verzoek doorgelaten: %s", error)
            return True
