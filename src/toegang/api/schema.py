"""OpenAPI additions: the bearer security scheme with its scopes, and the problem-details answers that
every operation can give (drf-spectacular postprocessing hook)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.metadata import SimpleMetadata

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "description": "URI van het soort probleem; about:blank voor een gewone HTTP-fout."},
        "title": {"type": "string", "description": "Korte omschrijving van het soort probleem."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "Wat er in dit geval misging, in het Nederlands."},
        "invalid-params": {
            "type": "array",
            "description": "Bij ongeldige invoer: per veld de reden.",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

ERRORS = {
    "400": "Ongeldige invoer of parameter (invalid-params noemt het veld).",
    "401": "Geen, een onbekend, verlopen of ingetrokken token.",
    "403": "Het token of de rol van de gebruiker mag dit niet.",
    "404": "Niet gevonden, of geen toegang (een geweigerd dossier heet niet gevonden).",
    "405": "Deze methode kan hier niet.",
    "429": "Te veel verzoeken met dit token; zie Retry-After.",
}
WRITE_ERRORS = {
    "413": "Het verzoek is groter dan toegestaan.",
    "415": "Alleen application/json.",
}


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "toegang.api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Een token dat de functioneel beheerder aan een gebruiker uitgeeft (tg_…), of een OAuth2-"
                "toegangstoken via client credentials op /api/v1/oauth/token/. Bevoegdheden: "
                + ", ".join(f"{k} ({v})" for k, v in settings.API_SCOPES.items())
            ),
        }


def add_problem_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            errors = dict(ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, text in errors.items():
                responses.setdefault(code, {"description": text, "content": problem})
            if "429" in responses:
                responses["429"].setdefault(
                    "headers", {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconden wachten."}}
                )
    return result


class ResourceMetadata(SimpleMetadata):
    """The answer to OPTIONS: the resource's name, description and media types, and where its schema is.
    Without DRF's field list: for the signal list it would describe the read serializer as the POST body,
    where the OpenAPI schema has the real one."""

    def determine_metadata(self, request: Any, view: Any) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        metadata["schema"] = reverse("api-schema")
        return metadata

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        return {}  # not built at all: it would check permissions and build a serializer per method
