"""A privacy officer oversees their own municipality only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_trajectory, make_user, wmo_rule
from toegang.accounts.models import User
from toegang.cases import services as case_services
from toegang.common.dates import today
from toegang.common.errors import DomainError
from toegang.privacy import rights, services


@pytest.fixture
def other_officer(world):
    return make_user(
        "privacy2", User.Role.PRIVACY_OFFICER, org=world.municipality_org, team=None, gemeente=world.other_gemeente
    )


def test_other_municipality_is_out_of_reach(client, world, other_officer):
    trajectory = make_trajectory(world)
    person = trajectory.household.memberships.first().person
    with pytest.raises(DomainError, match="in uw gemeente"):
        rights.register_request(actor=other_officer, bsn=person.bsn, kind="inzage", received_on=today())
    own = rights.register_request(actor=world.privacy, bsn=person.bsn, kind="inzage", received_on=today())
    client.force_login(other_officer)
    assert client.get(reverse("rights-request", args=[own.pk])).status_code == 404
    assert client.get(reverse("rights-export", args=[own.pk, "json"])).status_code == 404
    response = client.get(reverse("audit-person"), {"bsn": person.bsn})
    assert response.status_code == 400 and "in uw gemeente" in response.content.decode()
    assert client.get(reverse("audit-user"), {"username": "professional"}).status_code == 400
    case_services.close_trajectory(
        actor=world.professional,
        trajectory=trajectory,
        closed_on=today(),
        reason="doelen_bereikt",
        retention_rule=wmo_rule(),
    )
    with pytest.raises(DomainError, match="van de gemeente"):
        services.set_legal_hold(actor=other_officer, trajectory=trajectory, hold=True, reason="x")
    assert client.post(reverse("legal-hold", args=[trajectory.pk]), {"hold": "1", "reason": "x"}).status_code == 404
