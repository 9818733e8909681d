"""A partner involved on consent only reads through the API what the consent shares, as on the household
page (tests/test_consent.py): the other members with "huishouden", the address, BSNs and birth dates with
"contact"."""

from __future__ import annotations

import pytest

from tests.api_support import ApiClient, api, token_for
from tests.conftest import make_trajectory
from tests.test_consent import give_consent, integral, involve  # noqa: F401 - the fixture
from toegang.accounts.models import User
from toegang.api import tokens
from toegang.cases.selectors import (
    consent_scopes_by_household,
    first_visible,
    households_visible_to,
    involved_on_consent,
)
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


def test_an_involvement_on_consent_made_after_the_token_check_gives_no_access_in_that_request(world, integral):  # noqa: F811
    """The token check reads whether the user has any involvement on consent (api/tokens.py); when not,
    the lists skip the consent scopes. An involvement on consent committed between that check and the
    list must then give no access in that request, not access without the consent's limits."""
    trajectory = make_trajectory(world, members=3)
    consent = give_consent(world, trajectory, integral, categories=["plan"])
    secret = token_for(world, world.partner)
    checked = tokens.token_for(secret).user  # the request's user, read before its lists
    assert checked.involved_on_consent is False
    involve(world, trajectory, integral)  # on the consent; committed meanwhile
    household = trajectory.household_id
    assert household not in set(households_visible_to(checked).values_list("pk", flat=True))
    assert household not in {h.pk for h in first_visible(households_visible_to(checked).order_by("pk"), 100)}
    assert consent_scopes_by_household(viewer=checked, household_ids=[household]) == {}
    # the next request reads the flag afresh: the household with the consent's limits
    fresh = tokens.token_for(secret).user
    assert fresh.involved_on_consent is True
    assert household in set(households_visible_to(fresh).values_list("pk", flat=True))
    assert consent_scopes_by_household(viewer=fresh, household_ids=[household])[household].person_ids == {
        consent.person_id
    }
    [row] = [h for h in ApiClient(secret).all_rows("/api/v1/households/") if h["id"] == household]
    assert [m["person"] for m in row["members"]] == [consent.person_id]


def test_a_user_read_elsewhere_counts_as_involved_on_consent(world, integral):  # noqa: F811
    """Only the API's token check reads the flag; a user read any other way (a session, OAuth2) keeps
    the whole predicate and the consent scopes."""
    trajectory = make_trajectory(world, members=2)
    give_consent(world, trajectory, integral, categories=["plan"])
    involve(world, trajectory, integral)
    partner = User.objects.get(pk=world.partner.pk)
    assert involved_on_consent(partner)
    assert trajectory.household_id in consent_scopes_by_household(
        viewer=partner, household_ids=[trajectory.household_id]
    )


def test_the_race_through_http_shows_nothing_unlimited(world, integral, monkeypatch):  # noqa: F811
    """The same race end to end: the involvement on consent is committed right after the request's
    token check. That request shows none of the household; the next one shows it with the limits."""
    from toegang.api import authentication

    trajectory = make_trajectory(world, members=3)
    consent = give_consent(world, trajectory, integral, categories=["plan"])
    members = {p.pk for p in _members(trajectory)}
    client = ApiClient(token_for(world, world.partner))
    checked = authentication.token_for

    def then_involve(text):
        token = checked(text)
        monkeypatch.setattr(authentication, "token_for", checked)  # once
        involve(world, trajectory, integral)
        return token

    monkeypatch.setattr(authentication, "token_for", then_involve)
    assert not members & {row["id"] for row in client.get("/api/v1/persons/?page_size=200").json()["results"]}
    assert {row["id"] for row in client.all_rows("/api/v1/persons/")} & members == {consent.person_id}
