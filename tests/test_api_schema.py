"""The committed OpenAPI schema (docs/api/openapi.yaml) is the one the code generates: a change in the
API without a change in the committed schema fails here (and so in CI)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

COMMITTED = Path(settings.PROJECT_DIR) / "docs" / "api" / "openapi.yaml"


def generated() -> str:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def test_the_committed_schema_matches_the_code():
    assert COMMITTED.exists(), "docs/api/openapi.yaml ontbreekt: run `make api-schema`"
    if generated() != COMMITTED.read_text():
        raise AssertionError(
            "The API and docs/api/openapi.yaml differ: run `make api-schema` and commit the schema "
            "(review the diff: a client may depend on what changed)."
        )


def test_the_schema_is_valid_openapi_3_with_problem_details():
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "Problem" in schema["components"]["schemas"]
    post = schema["paths"]["/api/v1/signals/"]["post"]
    for code in ("400", "401", "403", "413", "415", "429"):
        assert "application/problem+json" in post["responses"][code]["content"]
