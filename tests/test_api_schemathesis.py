"""Schemathesis against the committed OpenAPI schema (docs/api/openapi.yaml), in process through Django's
WSGI handler: for every operation, generated requests (valid and invalid) with a token that may do
everything never get a 500, every 4xx carries a problem-details body, and the answers conform to the
schema."""

from __future__ import annotations

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.api_support import token_for
from tests.conftest import make_trajectory
from tests.test_api_schema import COMMITTED


def _without_security(document: dict) -> dict:
    """The committed schema without its security requirements: every request here carries a valid token
    (authentication and its refusals are tested in test_api.py), so Schemathesis should vary the rest,
    not the credentials it cannot know."""
    document.pop("security", None)
    for operations in document["paths"].values():
        for operation in operations.values():
            operation.pop("security", None)
    return document


schema = schemathesis.openapi.from_dict(_without_security(yaml.safe_load(COMMITTED.read_text())))
schema.app = WSGIHandler()


def content_type(response) -> str:
    value = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
    return value[0] if isinstance(value, list) else value


@pytest.fixture
def bearer(world):
    """A team lead's token with every scope; the database connection kept open between requests, as
    Django's test client does (the WSGI handler would close it at the end of each request)."""
    make_trajectory(world)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token_for(world, world.team_lead)}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_schema(case, bearer, settings):
    settings.API_THROTTLE_RATE = "100000/min"
    response = case.call(headers=bearer)
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        assert content_type(response).startswith("application/problem+json"), (
            response.status_code,
            case.path,
            case.path_parameters,
            response.text[:300],
        )
        body = response.json()
        assert body["status"] == response.status_code and body["title"] and body["detail"]
    # A request that fits the schema may still break a rule of the domain (an unknown BSN, a date in the
    # future): a 400 naming the field, not an acceptance failure.
    # Invalid data may also be refused for its size: a body over the API's limit (64 KiB) gets 413 with
    # the problem body checked above, before it is read; Schemathesis does not count 413 as a rejection.
    excluded = [positive_data_acceptance] + ([negative_data_rejection] if response.status_code == 413 else [])
    case.validate_response(response, excluded_checks=excluded)
