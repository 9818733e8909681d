"""Steering indicators through the API: only for who may open the dashboard, always small-cell protected
(the same values as the protected exports), filters validated as problem details."""

from __future__ import annotations

from tests.api_support import api
from tests.test_steering import scenario, this_month  # noqa: F401 - the fixture
from toegang.audit.models import AuditEntry


def test_the_manager_gets_protected_numbers_like_the_export(world, scenario):  # noqa: F811
    client = api(world, world.manager)
    before = AuditEntry.objects.count()
    response = client.get(f"/api/v1/indicators/manager/?periode={this_month().code}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["protected"] is True and body["period"] == this_month().code
    signals = next(i for i in body["indicators"] if i["code"] == "meldingen_bron")
    assert signals["value"] == "5" and signals["number"] == 5  # 5 signals: published as 5
    assert {"label": "Huisarts", "value": "<5", "number": None} in signals["breakdown"]  # 3 from the GP: suppressed
    for indicator in body["indicators"]:  # every number is the text's, and only where the text is a number
        for value, number in [
            (indicator["value"], indicator["number"]),
            (indicator["previous"], indicator["previous_number"]),
        ] + [(part["value"], part["number"]) for part in indicator["breakdown"]]:
            digits = value.replace(".", "").replace(",", ".")
            assert (number is None) == (not any(c.isdigit() for c in value) or value.startswith("<")), value
            assert number is None or f"{abs(number):g}" in digits, (value, number)
    assert AuditEntry.objects.count() == before + 1


def test_who_may_not_open_the_board_gets_403_and_bad_filters_400(world, scenario):  # noqa: F811
    response = api(world, world.professional).get("/api/v1/indicators/manager/")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")
    client = api(world, world.manager)
    assert client.get("/api/v1/indicators/bestaat-niet/").status_code == 404
    bad = client.get("/api/v1/indicators/manager/?periode=2026-13")
    assert bad.status_code == 400 and "Periode" in bad.json()["detail"]
    assert [p["name"] for p in bad.json()["invalid-params"]] == ["periode"]  # the parameter, not ""
    both = client.get("/api/v1/indicators/manager/?wet=zorg&team=999999").json()["invalid-params"]
    assert {p["name"] for p in both} == {"wet", "team"} and all(p["reason"] for p in both)
    assert client.get("/api/v1/indicators/manager/?gebied=¹").status_code == 400
    assert api(world, world.manager, ["cases:read"]).get("/api/v1/indicators/manager/").status_code == 403


def test_the_team_board_refuses_another_team_instead_of_showing_the_own(world, scenario):  # noqa: F811
    """A team lead's ``?team=`` for another team gave 200 with the own team's numbers, without saying so."""
    from toegang.accounts.models import Team

    client = api(world, world.team_lead)
    other = Team.objects.exclude(pk=world.team_lead.team_id).first()
    assert other is not None
    response = client.get(f"/api/v1/indicators/team/?team={other.pk}")
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid-params"]] == ["team"]
    assert client.get(f"/api/v1/indicators/team/?gebied={world.area.pk}").status_code == 400
    assert client.get(f"/api/v1/indicators/team/?team={world.team_lead.team_id}").status_code == 200
    assert client.get("/api/v1/indicators/team/").status_code == 200
