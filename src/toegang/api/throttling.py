"""Rate limiting per token (TOEGANG_API_RATE, default 600 per minute); 429 with Retry-After beyond it.

The counts live in the ``ratelimit`` cache (conf/api.py): Redis when TOEGANG_RATE_LIMIT_URL names one,
so that every web process counts against the same limit, else each process's memory. When Redis does
not answer (0.5 s at most), the request goes through, the log says so, and for the next 30 seconds the
process does not ask Redis again: the rate limit protects the service, and a cache outage should not
become an outage of the API, nor half a second more on every request."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from toegang.api.authentication import Credential

logger = logging.getLogger(__name__)
PAUSE_SECONDS = 30  # after Redis failed to answer, requests pass uncounted this long before it is tried again
_unreachable_until = 0.0


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
        global _unreachable_until  # noqa: PLW0603 - one pause per process, for all requests
        if time.monotonic() < _unreachable_until:
            return True  # Redis did not answer a moment ago: do not make every request wait for it
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            _unreachable_until = time.monotonic() + PAUSE_SECONDS
            logger.warning(
                "API-snelheidslimiet niet te controleren (Redis uit TOEGANG_RATE_LIMIT_URL antwoordt niet: %s); "
                "verzoeken worden %s seconden doorgelaten zonder telling",
                error,
                PAUSE_SECONDS,
            )
            return True
