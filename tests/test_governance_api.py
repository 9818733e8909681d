"""The MCDA over HTTP (issue 8, point 8: "Command line and API with one documented JSON format, the same
code path as the UI"): POST /organisatiekeuze/evalueer/ answers exactly what ``evaluate`` answers, and
refuses bad input with problem details (RFC 9457) that name the field and the rule, storing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from toegang.governance.mcda import evaluate
from toegang.governance.models import DecisionProject

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mcda-topsis.json"
URL = reverse("governance-evaluate")


def post(client, body: str | bytes, content_type: str = "application/json"):
    return client.post(URL, data=body, content_type=content_type)


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def test_the_api_answers_what_evaluate_answers(manager):
    problem = json.loads(EXAMPLE.read_text())
    response = post(manager, json.dumps(problem))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == json.loads(json.dumps(evaluate(problem)))
    assert response.json()["conventions"]["normalisation"]  # never a result without its conventions


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.update(method="foo"), "method"),
        (lambda p: p["performance"][next(iter(p["performance"]))].clear(), "performance."),
        (lambda p: p["criteria"][0].update(weight=-1), "criteria[0].weight"),
    ],
)
def test_an_invalid_problem_is_refused_with_the_field_named(manager, change, field):
    problem = json.loads(EXAMPLE.read_text())
    change(problem)
    before = DecisionProject.objects.count()
    response = post(manager, json.dumps(problem))
    body = response.json()
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert body["status"] == 400 and body["invalid-params"][0]["name"].startswith(field)
    assert body["detail"].startswith(body["invalid-params"][0]["name"]) and body["invalid-params"][0]["reason"]
    assert DecisionProject.objects.count() == before


def test_malformed_input_wrong_type_and_size_get_clear_errors(manager):
    broken = post(manager, '{"method": ')
    assert broken.status_code == 400 and "geen geldige JSON" in broken.json()["detail"]
    deep = post(manager, "[" * 5000 + "]" * 5000)
    assert deep.status_code == 400 and "te diep genest" in deep.json()["detail"]
    nan = post(manager, '{"method": NaN}')
    assert nan.status_code == 400 and "NaN" in nan.json()["detail"]
    assert post(manager, "method=ahp", content_type="application/x-www-form-urlencoded").status_code == 415
    big = post(manager, json.dumps({"method": "ahp", "padding": "x" * 1_000_001}))
    assert big.status_code == 413 and big["Content-Type"] == "application/problem+json"
    assert manager.get(URL).status_code == 405


def test_only_the_roles_of_the_workbench_may_use_it(client, world):
    client.force_login(world.professional)
    response = post(client, EXAMPLE.read_text())
    assert response.status_code == 403 and response.json()["title"] == "Geen toegang"
