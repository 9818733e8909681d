"""JSON only, and not too much of it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Het verzoek is te groot."
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """Reads at most API_MAX_BODY_BYTES (413 beyond), UTF-8 JSON only; a syntax error is a 400 that says
    where, and so is nesting too deep to read. Unlike Django's form parsing, DRF reads the body itself,
    so the limit is checked here."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(_("Het verzoek is groter dan %(n)s bytes.") % {"n": limit})
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError(_("De inhoud is geen geldige UTF-8.")) from None
        try:
            return json.loads(text, parse_constant=_no_constant)
        except ValueError as error:
            position = (
                f" (regel {error.lineno}, kolom {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
            )
            raise ParseError(_("De inhoud is geen geldige JSON%(where)s.") % {"where": position}) from None
        except RecursionError:  # "[[[[…]]]]" thousands deep: Python's parser gives up before the size limit does
            raise ParseError(_("De inhoud is te diep genest.")) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is geen JSON")
