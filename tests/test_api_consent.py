"""A partner involved on consent only reads through the API what the consent shares, as on the household
page (tests/test_consent.py): the other members with "huishouden", the address, BSNs and birth dates with
"contact". Whether a user has such an involvement is read with the token's user (``involved_on_consent``);
a user without one costs no consent query, a user with one still gets the limits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_support import api
from tests.conftest import make_trajectory
from tests.querycount import AUDIT_WRITE
from tests.test_consent import give_consent, integral, involve  # noqa: F401 - the fixture
from toegang.privacy import services as privacy_services


def _members(trajectory):
    return [m.person for m in trajectory.household.memberships.order_by("pk")]


@pytest.mark.parametrize(
    "categories",
    [["plan"], ["plan", "huishouden"], ["plan", "contact"], ["plan", "huishouden", "contact"]],
)
def test_the_api_shows_a_partner_on_consent_what_the_consent_shares(world, integral, categories):  # noqa: F811
    trajectory = make_trajectory(world, members=3)
    members = _members(trajectory)
    give_consent(world, trajectory, integral, person=members[0], categories=categories)
    involve(world, trajectory, integral)
    household_shared, contact_shared = "huishouden" in categories, "contact" in categories
    client = api(world, world.partner)

    [household] = [h for h in client.all_rows("/api/v1/households/") if h["id"] == trajectory.household_id]
    shown = [m["person"] for m in household["members"]]
    assert shown == ([p.pk for p in members] if household_shared else [members[0].pk])
    assert (household["postcode"] == trajectory.household.postcode != "") == contact_shared

    persons = {row["id"]: row for row in client.all_rows("/api/v1/persons/")}
    assert {p.pk for p in members} & set(persons) == ({p.pk for p in members} if household_shared else {members[0].pk})
    assert (persons[members[0].pk]["bsn"] == members[0].bsn) == contact_shared
    assert (persons[members[0].pk]["geboortedatum"] is not None) == contact_shared


def test_a_withdrawn_consent_closes_the_household_to_the_api(world, integral):  # noqa: F811
    trajectory = make_trajectory(world, members=2)
    consent = give_consent(world, trajectory, integral, categories=["plan", "huishouden", "contact"])
    involve(world, trajectory, integral)
    client = api(world, world.partner)
    assert trajectory.household_id in {h["id"] for h in client.all_rows("/api/v1/households/")}
    privacy_services.withdraw_consent(actor=world.professional, consent=consent, on=consent.given_on)
    assert trajectory.household_id not in {h["id"] for h in client.all_rows("/api/v1/households/")}
    assert not {p.pk for p in _members(trajectory)} & {r["id"] for r in client.all_rows("/api/v1/persons/")}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if not AUDIT_WRITE.search(q["sql"]))


def test_the_consent_queries_run_only_for_a_user_involved_on_consent(world, integral):  # noqa: F811
    """The professional of the team has no involvement on consent: their lists skip the consent scopes
    (tests/test_api_query_counts.py pins those counts). The partner has one: the scopes are read, one
    query for the households, two for the persons (the page's memberships, then the scopes)."""
    trajectory = make_trajectory(world, members=2)
    give_consent(world, trajectory, integral, categories=["plan"])
    involve(world, trajectory, integral)
    own, partner = api(world, world.professional), api(world, world.partner)
    assert _queries(partner, "/api/v1/households/") == _queries(own, "/api/v1/households/") + 1
    assert _queries(partner, "/api/v1/persons/") == _queries(own, "/api/v1/persons/") + 2
