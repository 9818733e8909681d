"""A partner involved on consent only reads through the API what the consent shares, as on the household
page (tests/test_consent.py): the other members with "huishouden", the address, BSNs and birth dates with
"contact"."""

from __future__ import annotations

import pytest

from tests.api_support import api
from tests.conftest import make_trajectory
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
