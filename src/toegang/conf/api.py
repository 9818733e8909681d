"""Settings of the REST API (toegang.api, docs/api.md): imported by settings.py."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# What a token may do. A user-bound token sees only what its user sees in the UI; a scope narrows that
# further, it never widens it.
API_SCOPES = {
    "signals:read": "Meldingen lezen",
    "signals:write": "Meldingen registreren",
    "cases:read": "Huishoudens, personen, trajecten, plannen, verwijzingen en beschikkingen lezen",
    "socialmap:read": "De sociale kaart lezen",
    "steering:read": "Beschermde sturingsindicatoren lezen",
}
API_THROTTLE_RATE = os.environ.get("TOEGANG_API_RATE", "600/min")  # per token
# Where the rate limit counts (api/throttling.py): empty, in each web process's memory, so that with
# several processes each counts on its own; a redis:// URL, one count for all of them. The counters hold
# a token's id and the times of its requests, nothing about residents.
API_RATE_LIMIT_URL = os.environ.get("TOEGANG_RATE_LIMIT_URL", "")


def ratelimit_cache(url: str, key_prefix: str = "toegang") -> dict[str, Any]:
    """The ``ratelimit`` entry of CACHES (settings.py) for TOEGANG_RATE_LIMIT_URL: Redis at ``url``, or
    each process's memory when it is empty; anything else stops the start."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "TOEGANG_RATE_LIMIT_URL moet leeg zijn of een redis://-, rediss://- of unix://-adres "
            "(zie docs/operations.md)."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        # Redis that does not answer must not hold up the API (the throttle lets the request through)
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


API_MAX_BODY_BYTES = 64 * 1024  # a JSON body larger than this is refused with 413
API_TOKEN_DAYS = 90  # default lifetime of a token the functional administrator issues

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["toegang.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["toegang.api.permissions.HasScope"],
    "DEFAULT_PARSER_CLASSES": ["toegang.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "toegang.api.pagination.StableCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["toegang.api.throttling.PerTokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_METADATA_CLASS": "toegang.api.schema.ResourceMetadata",
    "EXCEPTION_HANDLER": "toegang.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Toegang API",
    "DESCRIPTION": (
        "De REST API van Toegang (sociaal domein). Een token dat aan een gebruiker is uitgegeven ziet precies "
        "wat die gebruiker in de applicatie ziet. Fouten volgen RFC 9457 (application/problem+json). "
        "Zie docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SORT_OPERATION_PARAMETERS": True,
    "DISABLE_ERRORS_AND_WARNINGS": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "toegang.api.schema.add_problem_responses",
    ],
}

# OAuth2 client credentials for applications (django-oauth-toolkit): a token acts as the application's
# user (the functional administrator registers the application for a service user).
OAUTH2_PROVIDER = {
    "SCOPES": API_SCOPES,
    "DEFAULT_SCOPES": [],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only a checksum of an access token is stored
}
